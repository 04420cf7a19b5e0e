import { useI18n } from "@/features/i18n/index.ts";
import { formatPrice } from "@/features/pricing/format-price.ts";
import type { Purchase } from "../api/get-purchases.ts";
import { formatLongDate } from "../format-date.ts";
import styles from "./account.module.css";

const STATUS = {
  paid: "account.purchase.paid",
  refunded: "account.purchase.refunded",
  disputed: "account.purchase.disputed",
} as const;

/** One-time purchases beside the subscription: what, when, how much, the receipt. */
export function PurchasesList({ purchases }: { purchases: readonly Purchase[] }) {
  const { t, intlLocale } = useI18n();
  if (purchases.length === 0) return null;
  return (
    <section className={styles.card} aria-labelledby="account-purchases" data-testid="account-purchases">
      <h2 id="account-purchases" className={styles.sectionTitle}>
        {t("account.purchases")}
      </h2>
      <ul className={styles.purchases}>
        {purchases.map((p) => (
          <li key={p.id} data-testid="purchase-row" data-status={p.status}>
            <strong>{p.productName ?? t("account.unknownPlan")}</strong>
            <span>{formatLongDate(p.created_at, intlLocale)}</span>
            <span data-testid="purchase-amount">{formatPrice(p.amount, p.currency, intlLocale)}</span>
            <span data-testid="purchase-status">
              {t(STATUS[p.status])}
              {p.status === "paid" && p.amount_refunded > 0
                ? ` · ${t("account.purchase.partlyRefunded", { amount: formatPrice(p.amount_refunded, p.currency, intlLocale) })}`
                : ""}
            </span>
            {p.receipt_url ? (
              <a href={p.receipt_url} target="_blank" rel="noreferrer" data-testid="purchase-receipt">
                {t("account.purchase.receipt")}
              </a>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
