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
import { AdminTable } from "./admin-table.tsx";
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

      <AdminTable
        testId="subscriptions"
        caption={t("admin.subscriptions")}
        rows={p.subscriptions}
        rowKey={(s) => String(s.id)}
        empty={t("admin.none")}
        columns={[
          { name: "id", header: "id", mono: true, cell: (s) => String(s.id) },
          { name: "status", header: t("admin.status"), cell: (s) => str(s.status) },
          { name: "price", header: "price", mono: true, cell: (s) => str(s.price_id) },
          {
            name: "end",
            header: "current_period_end",
            cell: (s) => formatLongDate(str(s.current_period_end), intlLocale),
          },
        ]}
      />

      {p.purchases.length > 0 ? (
        <AdminTable
          testId="purchases"
          caption={t("admin.purchases")}
          rows={p.purchases}
          rowKey={(x) => String(x.id)}
          columns={[
            { name: "id", mono: true, cell: (x) => String(x.id) },
            { name: "status", cell: (x) => str(x.status) },
            { name: "price", cell: (x) => str(x.price_id) },
          ]}
        />
      ) : null}

      <AdminTable
        testId="events"
        caption={t("admin.events")}
        rows={p.events}
        rowKey={(ev) => ev.id}
        rowAttributes={(ev) => ({ "data-event": ev.id })}
        empty={t("admin.none")}
        columns={[
          { name: "id", header: "id", mono: true, cell: (ev) => ev.id },
          { name: "type", header: t("admin.event.type"), cell: (ev) => ev.type },
          {
            name: "state",
            header: t("admin.event.state"),
            cell: (ev) =>
              ev.processedAt
                ? t("admin.event.processed")
                : ev.lastError
                  ? t("admin.event.failed", { error: ev.lastError })
                  : t("admin.event.waiting"),
          },
          {
            name: "replay",
            header: <span className="visually-hidden">{t("admin.replay")}</span>,
            cell: (ev) => (
              <ConfirmButton
                label={t("admin.replay")}
                question={`${t("admin.replay")} ${ev.id}?`}
                busy={replay.isPending && replay.variables === ev.id}
                onConfirm={() => replay.mutate(ev.id)}
              />
            ),
          },
        ]}
      />
    </section>
  );
}
