import type { AccessFacts } from "@gatehouse/types";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import { buttonClassName } from "@/components/ui/button.tsx";
import { AccessStory } from "@/features/account/components/access-story.tsx";
import { formatLongDate } from "@/features/account/format-date.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { usePlans } from "@/features/pricing/api/get-plans.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { adminApi, type CustomerPage } from "../api/admin-api.ts";
import styles from "./admin.module.css";
import { ConfirmButton } from "./confirm-button.tsx";

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function useFacts(page: CustomerPage | undefined, locale: "en" | "fr"): AccessFacts | null {
  const plans = usePlans();
  if (!page) return null;
  const e = page.entitlement ?? {};
  const priceId = str(e.price_id);
  const plan = plans.data?.find((p) => p.prices.some((x) => x.id === priceId)) ?? null;
  const price = plan?.prices.find((x) => x.id === priceId) ?? null;
  const scheduledId = str(e.scheduled_price_id);
  const scheduled = plans.data?.find((p) => p.prices.some((x) => x.id === scheduledId)) ?? null;
  const scheduledAt = str(e.scheduled_at);
  return {
    active: e.active === true,
    status: str(e.status),
    planName: plan ? (plan.translations?.[locale]?.name ?? plan.name) : null,
    amount: price?.unitAmount ?? null,
    currency: price?.currency ?? null,
    interval: price?.interval ?? null,
    currentPeriodEnd: str(e.current_period_end),
    cancelAt: str(e.cancel_at),
    accessEndsAt: str(e.access_ends_at),
    trialEnd: str(e.trial_end),
    scheduledChange:
      scheduled && scheduledAt
        ? { planName: scheduled.translations?.[locale]?.name ?? scheduled.name, at: scheduledAt }
        : null,
  };
}

export function CustomerDetail({ accessToken, userId }: { accessToken: string; userId: string }) {
  const { t, locale, intlLocale } = useI18n();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const page = useQuery({
    queryKey: queryKeys.adminCustomer(userId),
    queryFn: ({ signal }) => adminApi.customer({ accessToken, userId, signal }),
  });
  const facts = useFacts(page.data, locale);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.adminCustomer(userId) });
  const resync = useMutation({
    mutationFn: () => adminApi.resync({ accessToken, userId }),
    onSuccess: () => {
      setNotice(t("admin.resynced"));
      void refresh();
    },
  });
  const replay = useMutation({
    mutationFn: (eventId: string) => adminApi.replay({ accessToken, eventId }),
    onSuccess: (r) => {
      setNotice(t("admin.replayed", { outcome: r.outcome }));
      void refresh();
    },
  });
  if (page.isError) throw page.error;
  const p = page.data;
  if (!p || !facts) return <p role="status">{t("app.loading")}</p>;
  return (
    <section className={styles.section} aria-labelledby="customer-title">
      <p>
        <Link to="/admin/customers">{t("admin.back")}</Link>
      </p>
      <h2 id="customer-title">{p.user.email ?? p.user.id}</h2>
      <p className={styles.mono}>
        {p.user.id}
        {p.customerId ? ` · ${p.customerId}` : ""}
      </p>
      <div className={styles.row}>
        <ConfirmButton label={t("admin.resync")} busy={resync.isPending} onConfirm={() => resync.mutate()} />
        {p.customerId ? (
          <a
            className={buttonClassName({ size: "sm", variant: "ghost" })}
            href={`https://dashboard.stripe.com/customers/${encodeURIComponent(p.customerId)}`}
            target="_blank"
            rel="noreferrer noopener"
          >
            {t("admin.openStripe")}
          </a>
        ) : null}
      </div>
      <div aria-live="polite">{notice ? <Alert tone="success" title={notice} /> : null}</div>
      {resync.isError || replay.isError ? <Alert tone="danger" title={t("admin.loadError")} /> : null}

      <h3>{t("admin.sentence")}</h3>
      <AccessStory facts={facts} history={p.history} headingLevel={3} />

      <table className={styles.table} data-testid="subscriptions">
        <caption>{t("admin.subscriptions")}</caption>
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">{t("admin.status")}</th>
            <th scope="col">price</th>
            <th scope="col">current_period_end</th>
          </tr>
        </thead>
        <tbody>
          {p.subscriptions.length === 0 ? (
            <tr>
              <td colSpan={4}>{t("admin.none")}</td>
            </tr>
          ) : null}
          {p.subscriptions.map((s) => (
            <tr key={String(s.id)}>
              <td className={styles.mono}>{String(s.id)}</td>
              <td>{str(s.status)}</td>
              <td className={styles.mono}>{str(s.price_id)}</td>
              <td>{formatLongDate(str(s.current_period_end), intlLocale)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {p.purchases.length > 0 ? (
        <table className={styles.table} data-testid="purchases">
          <caption>{t("admin.purchases")}</caption>
          <tbody>
            {p.purchases.map((x) => (
              <tr key={String(x.id)}>
                <td className={styles.mono}>{String(x.id)}</td>
                <td>{str(x.status)}</td>
                <td>{str(x.price_id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <table className={styles.table} data-testid="events">
        <caption>{t("admin.events")}</caption>
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">{t("admin.event.type")}</th>
            <th scope="col">{t("admin.event.state")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("admin.replay")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {p.events.length === 0 ? (
            <tr>
              <td colSpan={4}>{t("admin.none")}</td>
            </tr>
          ) : null}
          {p.events.map((ev) => (
            <tr key={ev.id} data-event={ev.id}>
              <td className={styles.mono}>{ev.id}</td>
              <td>{ev.type}</td>
              <td>
                {ev.processedAt
                  ? t("admin.event.processed")
                  : ev.lastError
                    ? t("admin.event.failed", { error: ev.lastError })
                    : t("admin.event.waiting")}
              </td>
              <td>
                <ConfirmButton
                  label={t("admin.replay")}
                  question={`${t("admin.replay")} ${ev.id}?`}
                  busy={replay.isPending && replay.variables === ev.id}
                  onConfirm={() => replay.mutate(ev.id)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
