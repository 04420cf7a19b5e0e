import { Button } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { amountIn, type OneTimeOffer } from "../api/get-plans.ts";
import { formatPrice } from "../format-price.ts";
import { TaxNote } from "./plan-card.tsx";
import styles from "./pricing.module.css";

interface LifetimeCardProps {
  offer: OneTimeOffer;
  currency: string;
  /** The user owns lifetime access already. */
  owned: boolean;
  /** The user subscribes now: buying ends the subscription at its period's end. */
  subscribed: boolean;
  busy: boolean;
  disabled: boolean;
  onBuy: (priceId: string) => void;
}

/** A one-time price (lifetime access): bought once, kept for good. */
export function LifetimeCard(props: LifetimeCardProps) {
  const { offer, currency, owned, subscribed, busy, disabled, onBuy } = props;
  const { t, intlLocale, locale } = useI18n();
  const name = offer.plan.translations?.[locale]?.name ?? offer.plan.name;
  const description = offer.plan.translations?.[locale]?.description ?? offer.plan.description;
  const shown = amountIn(offer.price, currency);
  return (
    <article className={styles.lifetime} data-testid="lifetime-card" aria-labelledby={`plan-${offer.plan.id}`}>
      <h3 id={`plan-${offer.plan.id}`} className={styles.planName}>
        {name}
      </h3>
      {description ? <p className={styles.planDescription}>{description}</p> : null}
      <p className={styles.price}>
        <span className={styles.amount} data-testid="lifetime-price">
          {formatPrice(shown.unitAmount, shown.currency, intlLocale)}
        </span>{" "}
        <span className={styles.period}>{t("pricing.oneTime")}</span>
      </p>
      <TaxNote behavior={shown.taxBehavior} />
      {owned ? (
        <p className={styles.lifetimeOwned} data-testid="lifetime-owned">
          {t("pricing.lifetimeOwned")}
        </p>
      ) : (
        <>
          {subscribed ? <p className={styles.planDescription}>{t("pricing.lifetimeEndsSubscription")}</p> : null}
          <Button
            block
            loading={busy}
            disabled={disabled}
            onClick={() => onBuy(offer.price.id)}
            aria-label={t("pricing.buyPlan", { plan: name })}
          >
            {busy ? t("pricing.redirecting") : t("pricing.buy")}
          </Button>
        </>
      )}
    </article>
  );
}
