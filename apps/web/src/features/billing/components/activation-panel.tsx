import { Link } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import { Button, buttonClassName } from "@/components/ui/button.tsx";
import { Spinner } from "@/components/ui/spinner.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { apiErrorMessageKey } from "@/lib/api-error-message.ts";
import type { ActivationState } from "../api/use-activation.ts";
import styles from "./activation-panel.module.css";

interface ActivationPanelProps {
  activation: ActivationState & { retry: () => void };
}

/** "Activating your subscription…" with progress, then "active"; or why it is not. */
export function ActivationPanel({ activation }: ActivationPanelProps) {
  const { t } = useI18n();
  const { phase, slow, retry, error } = activation;

  if (phase === "active") {
    return (
      <section className={styles.panel} aria-live="polite" data-testid="activation-complete">
        <span className={`${styles.icon} ${styles.iconSuccess}`} aria-hidden="true">
          <svg
            aria-hidden="true"
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            strokeWidth="2.5"
            strokeLinecap="round"
          >
            <path d="m6 12.5 4 4L18 8" />
          </svg>
        </span>
        <h1 className={styles.title}>{t("billing.active")}</h1>
        <p className={styles.hint}>{t("billing.activeHint")}</p>
        <Link className={buttonClassName({ variant: "secondary", size: "sm" })} to="/library">
          {t("billing.openLibrary")}
        </Link>
      </section>
    );
  }

  if (phase === "failed") {
    return (
      <section className={styles.panel} data-testid="activation-failed">
        <div className={styles.left}>
          <Alert tone="danger" title={t(apiErrorMessageKey(error))} />
        </div>
        <div className={styles.actions}>
          <Link className={buttonClassName({ variant: "secondary" })} to="/#pricing">
            {t("billing.backToPricing")}
          </Link>
        </div>
      </section>
    );
  }

  if (phase === "not_paid") {
    return (
      <section className={styles.panel} data-testid="activation-not-paid">
        <div className={styles.left}>
          <Alert tone="warning" title={t("billing.notPaid")} role="alert">
            {t("billing.notPaidHint")}
          </Alert>
        </div>
        <div className={styles.actions}>
          <Link className={buttonClassName()} to="/#pricing">
            {t("billing.backToPricing")}
          </Link>
        </div>
      </section>
    );
  }

  return (
    <section className={styles.panel} data-testid="activation-progress" aria-busy="true">
      <span className={styles.icon} aria-hidden="true">
        <Spinner />
      </span>
      <div aria-live="polite" role="status">
        <h1 className={styles.title}>{t("billing.activating")}</h1>
      </div>
      <p className={styles.hint}>{t("billing.activatingHint")}</p>
      <div className={styles.track} role="progressbar" aria-label={t("billing.progress")}>
        <span className={styles.bar} />
      </div>
      {slow ? (
        <div className={styles.left}>
          <Alert
            tone="warning"
            title={t("billing.slow")}
            role="alert"
            testId="activation-slow"
            actions={
              <Button size="sm" onClick={retry}>
                {t("billing.retry")}
              </Button>
            }
          >
            {t("billing.slowHint")}
          </Alert>
        </div>
      ) : null}
    </section>
  );
}
