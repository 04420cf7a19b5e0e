import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { Button } from "@/components/ui/button.tsx";
import { formatLongDate } from "@/features/account/format-date.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { usePlans } from "@/features/pricing/api/get-plans.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { adminApi } from "../api/admin-api.ts";
import styles from "./admin.module.css";
import { AdminTable } from "./admin-table.tsx";

const STATUSES = ["active", "trialing", "past_due", "unpaid", "canceled", "incomplete", "paused", "none"] as const;

export function CustomersList({ accessToken }: { accessToken: string }) {
  const { t, locale, intlLocale } = useI18n();
  const plans = usePlans();
  const [draft, setDraft] = useState({ q: "", status: "", priceId: "" });
  const [filters, setFilters] = useState({ q: "", status: "", priceId: "" });
  // Cursors of the pages seen so far: the last one is the page shown.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const list = useQuery({
    queryKey: [...queryKeys.adminCustomers(filters.q, filters.status, cursor), filters.priceId],
    queryFn: ({ signal }) => adminApi.customers({ accessToken, signal, ...filters, cursor }),
  });
  if (list.isError) throw list.error;
  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
    setCursors([null]);
  };
  return (
    <section className={styles.section} aria-labelledby="customers-title">
      <h2 id="customers-title">{t("admin.tab.customers")}</h2>
      <form className={styles.row} onSubmit={onSearch} aria-label={t("admin.search")}>
        <label className={styles.field}>
          {t("admin.search")}
          <input
            type="search"
            name="q"
            value={draft.q}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
            maxLength={200}
          />
        </label>
        <label className={styles.field}>
          {t("admin.status")}
          <select name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">{t("admin.status.any")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === "none" ? t("admin.status.none") : s}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          {t("admin.plan")}
          <select
            name="priceId"
            value={draft.priceId}
            onChange={(e) => setDraft({ ...draft, priceId: e.target.value })}
          >
            <option value="">{t("admin.plan.any")}</option>
            {(plans.data ?? []).flatMap((p) =>
              p.prices.map((price) => (
                <option key={price.id} value={price.id}>
                  {`${p.translations?.[locale]?.name ?? p.name} · ${price.interval}`}
                </option>
              )),
            )}
          </select>
        </label>
        <Button type="submit" size="sm">
          {t("admin.searchButton")}
        </Button>
      </form>
      {list.data ? (
        list.data.items.length === 0 ? (
          <p role="status">{t("admin.noCustomers")}</p>
        ) : (
          <AdminTable
            testId="customers"
            rows={list.data.items}
            rowKey={(c) => c.userId}
            columns={[
              {
                name: "email",
                header: t("admin.email"),
                cell: (c) => (
                  <>
                    <Link to={`/admin/customers/${c.userId}`}>{c.email ?? c.userId}</Link>
                    {c.isAdmin ? ` (${t("admin.admin")})` : ""}
                  </>
                ),
              },
              { name: "status", header: t("admin.status"), cell: (c) => c.status ?? t("admin.status.none") },
              { name: "customer", header: t("admin.customer"), mono: true, cell: (c) => c.customerId ?? "—" },
              { name: "created", header: t("admin.created"), cell: (c) => formatLongDate(c.createdAt, intlLocale) },
            ]}
          />
        )
      ) : (
        <p role="status">{t("app.loading")}</p>
      )}
      <nav className={styles.row} aria-label={t("admin.tab.customers")}>
        <Button
          size="sm"
          variant="secondary"
          disabled={cursors.length < 2}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          {t("admin.previous")}
        </Button>
        <Button
          size="sm"
          variant="secondary"
          disabled={!list.data?.nextCursor}
          onClick={() => setCursors([...cursors, list.data?.nextCursor ?? null])}
        >
          {t("admin.next")}
        </Button>
      </nav>
    </section>
  );
}
