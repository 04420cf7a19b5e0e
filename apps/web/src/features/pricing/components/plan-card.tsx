import { Button } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { amountIn, type Plan, type PlanPrice } from "../api/get-plans.ts";
import { formatPrice } from "../format-price.ts";
import styles from "./pricing.module.css";

interface PlanCardProps {
  plan: Plan;
  price: PlanPrice | null;
  isCurrent: boolean;
  hasAccess: boolean;
  savePercent: number | null;
  busy: boolean;
  disabled: boolean;
  /** Show the price's free trial (first-time subscribers only: one trial per user). */
  trialOffered: boolean;
  /** For a subscriber, how a switch to this price would go (null: not a switch). */
  change: "upgrade" | "downgrade" | null;
  onSubscribe: (priceId: string) => void;
  onManage: () => void;
  onChange: (priceId: string) => void;
  /** The buyer's currency: the price is shown in it when it is sold in it. */
  currency?: string | null;
}

/** The feature's name for people (its lookup key when the dictionary has none). */
function useFeatureName() {
  const { t } = useI18n();
  return (feature: string) => {
    const key = `pricing.featureName.${feature}`;
    // A feature added in Stripe before the dictionary knows it: show its lookup key.
    const text: string | undefined = t(key as Parameters<typeof t>[0]);
    return text ?? feature;
  };
}

function CheckIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className={styles.check}>
      <path
        fill="none"
        stroke="currentColor"
        strokeWidth="2.2"
        strokeLinecap="round"
        strokeLinejoin="round"
        d="m5 10.5 3.2 3L15 6.5"
      />
    </svg>
  );
}

/** Whether the shown amount includes tax or tax is added at checkout (the price's tax_behavior). */
export function TaxNote({ behavior }: { behavior: "inclusive" | "exclusive" | null }) {
  const { t } = useI18n();
  if (!behavior) return null;
  return (
    <p className={styles.taxNote} data-testid="tax-note">
      {behavior === "inclusive" ? t("pricing.taxIncluded") : t("pricing.taxAdded")}
    </p>
  );
}

export function PlanCard(props: PlanCardProps) {
  const { plan, price, isCurrent, hasAccess, savePercent, busy, disabled, onSubscribe, onManage } = props;
  const { trialOffered, change, onChange } = props;
  const shown = price ? amountIn(price, props.currency ?? null) : null;
  const { t, intlLocale, locale } = useI18n();
  const featureName = useFeatureName();
  const name = plan.translations?.[locale]?.name ?? plan.name;
  const description = plan.translations?.[locale]?.description ?? plan.description;
  const headingId = `plan-${plan.id}`;
  const period = (p: PlanPrice) => {
    if (p.intervalCount > 1)
      return t("pricing.everyN", { count: p.intervalCount, unit: t(`pricing.unit.${p.interval}`) });
    return p.interval === "year" ? t("pricing.perYear") : p.interval === "month" ? t("pricing.perMonth") : "";
  };
  return (
    <article
      className={styles.card}
      data-testid="plan-card"
      data-current={isCurrent || undefined}
      aria-labelledby={headingId}
    >
      <div className={styles.cardHeader}>
        <h3 id={headingId} className={styles.planName}>
          {name}
        </h3>
        {isCurrent ? (
          <span className={styles.currentBadge} data-testid="current-plan-badge">
            {t("pricing.current")}
          </span>
        ) : null}
      </div>
      {description ? <p className={styles.planDescription}>{description}</p> : null}

      {price && shown ? (
        <div className={styles.priceBlock}>
          <p className={styles.price}>
            <span className={styles.amount} data-testid="plan-price">
              {formatPrice(shown.unitAmount, shown.currency, intlLocale)}
            </span>{" "}
            <span className={styles.period}>{period(price)}</span>
          </p>
          <TaxNote behavior={shown.taxBehavior} />
          {price.interval === "year" && price.intervalCount === 1 ? (
            <p className={styles.equivalent}>
              {t("pricing.monthlyEquivalent", {
                amount: formatPrice(Math.round(shown.unitAmount / 12), shown.currency, intlLocale),
              })}
              {savePercent ? (
                <span className={styles.saveBadge}>{t("pricing.save", { percent: savePercent })}</span>
              ) : null}
            </p>
          ) : null}
          {price.trialPeriodDays && trialOffered ? (
            <p className={styles.trial} data-testid="plan-trial">
              {t("pricing.trial", { days: price.trialPeriodDays })}
            </p>
          ) : null}
        </div>
      ) : (
        <p className={styles.unavailable}>{t("pricing.noInterval")}</p>
      )}

      <ul className={styles.features} data-testid="plan-features">
        {plan.features.map((feature) => (
          <li key={feature} data-feature={feature}>
            <CheckIcon />
            {featureName(feature)}
          </li>
        ))}
        <li>
          <CheckIcon />
          {t("pricing.feature.instant")}
        </li>
        <li>
          <CheckIcon />
          {t("pricing.feature.cancel")}
        </li>
      </ul>

      {hasAccess && change && price ? (
        <Button
          block
          variant={change === "upgrade" ? "primary" : "secondary"}
          disabled={disabled}
          onClick={() => onChange(price.id)}
          aria-label={t("pricing.changeTo", { plan: name })}
          data-testid={`plan-${change}`}
        >
          {change === "upgrade" ? t("pricing.upgrade") : t("pricing.downgrade")}
        </Button>
      ) : hasAccess ? (
        <Button variant="secondary" block loading={busy} disabled={disabled} onClick={onManage}>
          {t("pricing.manage")}
        </Button>
      ) : price ? (
        <Button
          block
          loading={busy}
          disabled={disabled}
          onClick={() => onSubscribe(price.id)}
          aria-label={t("pricing.subscribeTo", { plan: name })}
        >
          {busy ? t("pricing.redirecting") : t("pricing.subscribe")}
        </Button>
      ) : null}
    </article>
  );
}
