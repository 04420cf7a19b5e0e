import { useMutation } from "@tanstack/react-query";
import { Link } from "react-router";
import { ApiErrorAlert } from "@/components/api-error-alert.tsx";
import { Alert } from "@/components/ui/alert.tsx";
import { Button, buttonClassName } from "@/components/ui/button.tsx";
import { type MessageKey, useI18n } from "@/features/i18n/index.ts";
import { useOnBackNavigation } from "@/hooks/use-on-back-navigation.ts";
import { cancelScheduledChange, createPortalSession } from "@/lib/gatehouse-api.ts";
import { formatLongDate } from "../format-date.ts";
import styles from "./account.module.css";

/** The fields of the user's `entitlements` row the account page shows. */
export interface AccountEntitlement {
  active: boolean;
  status: string | null;
  current_period_end: string | null;
  cancel_at: string | null;
  trial_end?: string | null;
  scheduled_at?: string | null;
  scheduled_price_id?: string | null;
}

export interface PortalDeps {
  portal: typeof createPortalSession;
  redirect: (url: string) => void;
}

interface AccountViewProps {
  email: string | null;
  accessToken: string;
  entitlement: AccountEntitlement | null;
  planName: string | null;
  /** What the current price charges, formatted (for the trial's end). */
  priceLabel?: string | null;
  /** The plan a scheduled change switches to. */
  scheduledPlanName?: string | null;
  /** Called after the scheduled change was cancelled (to refresh the row). */
  onChanged?: () => void;
  /** The user owns lifetime access (a paid one-time purchase). */
  lifetime?: boolean;
  onSignOut: () => void;
  signingOut?: boolean;
  deps?: PortalDeps;
}

const STATUS_KEYS: Record<string, MessageKey> = {
  active: "account.status.active",
  trialing: "account.status.trialing",
  past_due: "account.status.past_due",
  unpaid: "account.status.unpaid",
  canceled: "account.status.canceled",
  incomplete: "account.status.incomplete",
  incomplete_expired: "account.status.incomplete_expired",
  paused: "account.status.paused",
};

function statusTone(status: string | null): "good" | "warn" | "bad" | "none" {
  if (status === "active" || status === "trialing") return "good";
  if (status === "past_due" || status === "incomplete" || status === "paused") return "warn";
  if (status === "unpaid" || status === "canceled" || status === "incomplete_expired") return "bad";
  return "none";
}

const defaultDeps: PortalDeps = { portal: createPortalSession, redirect: (url) => window.location.assign(url) };

export function AccountView(props: AccountViewProps) {
  const { email, accessToken, entitlement, planName, onSignOut, signingOut = false, deps = defaultDeps } = props;
  const { priceLabel = null, scheduledPlanName = null, onChanged } = props;
  const lifetime = props.lifetime ?? false;
  const { t, locale, intlLocale } = useI18n();
  const portal = useMutation({
    mutationFn: async () => {
      const { url } = await deps.portal({ locale, accessToken });
      deps.redirect(url);
    },
  });

  const keepPlan = useMutation({
    mutationFn: () => cancelScheduledChange({ accessToken }),
    onSuccess: () => onChanged?.(),
  });

  useOnBackNavigation(() => portal.reset());

  const status = entitlement?.status ?? null;
  const hasSubscription = entitlement !== null && status !== null;
  const endsOn = formatLongDate(entitlement?.cancel_at ?? null, intlLocale);
  const renews = formatLongDate(entitlement?.current_period_end ?? null, intlLocale);
  const stillRunning = status === "active" || status === "trialing" || status === "past_due";
  const portalBusy = portal.isPending || portal.isSuccess;
  const trialEnds = status === "trialing" ? formatLongDate(entitlement?.trial_end ?? null, intlLocale) : null;
  const scheduledOn = formatLongDate(entitlement?.scheduled_at ?? null, intlLocale);

  return (
    <section className={styles.card} aria-labelledby="account-plan" data-testid="account-summary">
      <h2 id="account-plan" className="visually-hidden">
        {t("account.plan")}
      </h2>
      <dl className={styles.facts}>
        <div className={styles.fact}>
          <dt>{t("account.email")}</dt>
          <dd>{email ?? "—"}</dd>
        </div>
        <div className={styles.fact}>
          <dt>{t("account.plan")}</dt>
          <dd data-testid="account-plan">{hasSubscription ? (planName ?? t("account.unknownPlan")) : "—"}</dd>
        </div>
        <div className={styles.fact}>
          <dt>{t("account.status")}</dt>
          <dd className={styles.status} data-testid="account-status">
            <span className={styles.dot} data-tone={statusTone(status)} aria-hidden="true" />
            {status ? t(STATUS_KEYS[status] ?? "account.status.none") : t("account.status.none")}
          </dd>
        </div>
      </dl>

      {lifetime ? (
        <Alert tone="info" title={t("account.lifetime")} testId="account-lifetime">
          {hasSubscription && stillRunning && endsOn ? t("account.lifetimeSubscriptionEnds", { date: endsOn }) : null}
        </Alert>
      ) : null}

      {lifetime && hasSubscription && stillRunning && endsOn ? null : hasSubscription && stillRunning && endsOn ? (
        <Alert tone="info" title={t("account.endsOn", { date: endsOn })} testId="account-ends-on">
          {t("account.endsOnHint")}
        </Alert>
      ) : hasSubscription && stillRunning && renews && status !== "past_due" ? (
        <p className={styles.dates} data-testid="account-renews">
          {t("account.renews", { date: renews })}
        </p>
      ) : null}

      {trialEnds && !endsOn ? (
        <Alert tone="info" title={t("account.trialEnds", { date: trialEnds })} testId="account-trial">
          {priceLabel ? t("account.trialCharge", { amount: priceLabel }) : null}
        </Alert>
      ) : null}

      {hasSubscription && stillRunning && scheduledOn && entitlement?.scheduled_price_id ? (
        <Alert
          tone="info"
          testId="account-scheduled-change"
          title={t("account.scheduledChange", {
            date: scheduledOn,
            plan: scheduledPlanName ?? t("account.unknownPlan"),
          })}
          actions={
            <Button size="sm" variant="secondary" onClick={() => keepPlan.mutate()} loading={keepPlan.isPending}>
              {keepPlan.isPending ? t("account.cancelingScheduled") : t("account.cancelScheduled")}
            </Button>
          }
        />
      ) : null}

      {status === "past_due" || status === "unpaid" ? (
        <Alert
          tone="danger"
          title={t("account.pastDue")}
          testId="account-past-due"
          actions={
            <Button size="sm" onClick={() => portal.mutate()} loading={portalBusy}>
              {t("account.fixPayment")}
            </Button>
          }
        >
          {t("account.pastDueHint")}
        </Alert>
      ) : null}

      {!hasSubscription && !lifetime ? (
        <Alert
          tone="info"
          title={t("account.noPlan")}
          testId="account-no-plan"
          actions={
            <Link className={buttonClassName({ size: "sm" })} to="/#pricing">
              {t("account.seePlans")}
            </Link>
          }
        />
      ) : null}

      <div aria-live="polite">
        {portal.isError || keepPlan.isError ? (
          <ApiErrorAlert error={portal.error ?? keepPlan.error} testId="account-error" />
        ) : null}
      </div>

      <div className={styles.actions}>
        {/* A lifetime owner has a billing account too: invoices, billing address and tax IDs. */}
        {hasSubscription || lifetime ? (
          <Button onClick={() => portal.mutate()} loading={portalBusy}>
            {portalBusy ? t("account.opening") : t("account.manage")}
          </Button>
        ) : null}
        <Button variant="secondary" onClick={onSignOut} loading={signingOut}>
          {t("account.signOut")}
        </Button>
      </div>
    </section>
  );
}
