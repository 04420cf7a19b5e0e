import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { ApiErrorAlert } from "@/components/api-error-alert.tsx";
import { Alert } from "@/components/ui/alert.tsx";
import { Button, buttonClassName } from "@/components/ui/button.tsx";
import { Skeleton } from "@/components/ui/skeleton.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { isApiError } from "@/lib/api-error.ts";
import { changePlan, createPortalSession, previewPlanChange } from "@/lib/gatehouse-api.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import type { Plan, PlanPrice } from "../api/get-plans.ts";
import { formatPrice } from "../format-price.ts";
import styles from "./pricing.module.css";

interface PlanChangeDialogProps {
  plan: Plan;
  price: PlanPrice;
  userId: string;
  accessToken: string;
  onClose: () => void;
}

/**
 * The switch to another plan: the price Stripe would charge now (its invoice preview), when the
 * switch applies and the lines; then the confirmation, its progress, and what to do if it fails.
 */
export function PlanChangeDialog({ plan, price, userId, accessToken, onClose }: PlanChangeDialogProps) {
  const { t, intlLocale, locale } = useI18n();
  const queryClient = useQueryClient();
  const ref = useRef<HTMLDialogElement>(null);
  const name = plan.translations?.[locale]?.name ?? plan.name;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const preview = useQuery({
    queryKey: ["user", userId, "plan-change-preview", price.id],
    queryFn: ({ signal }) => previewPlanChange({ priceId: price.id, accessToken, signal }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const confirm = useMutation({
    mutationFn: () => changePlan({ priceId: price.id, accessToken }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.everyUser() }),
  });
  const portal = useMutation({
    mutationFn: async () => {
      const { url } = await createPortalSession({ locale, accessToken });
      window.location.assign(url);
    },
  });

  const date = (iso: string) => new Intl.DateTimeFormat(intlLocale, { dateStyle: "long" }).format(new Date(iso));
  const money = (amount: number) => formatPrice(amount, preview.data?.currency ?? price.currency, intlLocale);
  const declined = isApiError(confirm.error) && confirm.error.code === "payment_failed";
  const failure = confirm.error ?? preview.error;
  const scheduled = preview.data?.effective === "period_end";

  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby="plan-change-title"
      data-testid="plan-change-dialog"
      onCancel={(e) => {
        if (confirm.isPending) e.preventDefault();
        else onClose();
      }}
    >
      <h2 id="plan-change-title" className={styles.dialogTitle}>
        {t("planChange.title", { plan: name })}
      </h2>

      {preview.isPending ? (
        <div aria-busy="true">
          <span className="visually-hidden" role="status">
            {t("planChange.loading")}
          </span>
          <Skeleton width="40%" height="2rem" />
          <Skeleton width="80%" />
        </div>
      ) : preview.data ? (
        <div className={styles.quote}>
          <p className={styles.dueNow}>
            <span>{t("planChange.dueNow")}</span>{" "}
            <strong data-testid="plan-change-amount">{money(preview.data.amountDue)}</strong>
          </p>
          <p data-testid="plan-change-when">
            {scheduled
              ? t("planChange.effectiveLater", { date: date(preview.data.effectiveAt) })
              : t("planChange.effectiveNow", { date: date(preview.data.effectiveAt) })}
          </p>
          {preview.data.lines.length > 0 ? (
            <table className={styles.lines} data-testid="plan-change-lines">
              <caption className="visually-hidden">{t("planChange.lines")}</caption>
              <tbody>
                {preview.data.lines.map((line, i) => (
                  <tr key={i}>
                    <td>{line.description}</td>
                    <td className={styles.lineAmount}>{money(line.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}

      <div aria-live="polite">
        {confirm.isSuccess ? (
          <Alert
            tone="success"
            testId="plan-change-done"
            title={
              scheduled && preview.data
                ? t("planChange.scheduled", { plan: name, date: date(preview.data.effectiveAt) })
                : t("planChange.done", { plan: name })
            }
          />
        ) : failure ? (
          <ApiErrorAlert error={failure} testId="plan-change-error" />
        ) : null}
      </div>

      <div className={styles.dialogActions}>
        {confirm.isSuccess ? (
          <>
            {!scheduled ? (
              <Link className={buttonClassName()} to="/library" onClick={onClose}>
                {t("planChange.openLibrary")}
              </Link>
            ) : null}
            <Button variant="secondary" onClick={onClose}>
              {t("planChange.close")}
            </Button>
          </>
        ) : (
          <>
            {declined ? (
              <Button onClick={() => portal.mutate()} loading={portal.isPending}>
                {t("planChange.updateCard")}
              </Button>
            ) : (
              <Button
                onClick={() => confirm.mutate()}
                loading={confirm.isPending}
                disabled={!preview.data || confirm.isPending}
                data-testid="plan-change-confirm"
              >
                {confirm.isPending
                  ? t("planChange.applying")
                  : scheduled
                    ? t("planChange.confirmScheduled")
                    : t("planChange.confirm")}
              </Button>
            )}
            <Button variant="secondary" onClick={onClose} disabled={confirm.isPending}>
              {t("planChange.cancel")}
            </Button>
          </>
        )}
      </div>
    </dialog>
  );
}
