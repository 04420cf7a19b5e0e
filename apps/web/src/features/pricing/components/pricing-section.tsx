import { planChangeTiming } from "@gatehouse/billing";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { ApiErrorAlert } from "@/components/api-error-alert.tsx";
import { LoadError } from "@/components/load-error.tsx";
import { Alert } from "@/components/ui/alert.tsx";
import { withPageMessages } from "@/features/i18n/dictionaries.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { useOnBackNavigation } from "@/hooks/use-on-back-navigation.ts";
import { type BillingInterval, type Plan, type PlanPrice, useOneTimeOffers, usePlans } from "../api/get-plans.ts";
import { type SubscribeDeps, useOpenPortal, useSubscribe } from "../api/use-subscribe.ts";
import { isSellingCurrency, SELLING_CURRENCIES, useCurrency } from "../currency.ts";
import { yearlySavingsPercent } from "../savings.ts";
import { IntervalToggle } from "./interval-toggle.tsx";
import { LifetimeCard } from "./lifetime-card.tsx";
import { PlanCard } from "./plan-card.tsx";
import styles from "./pricing.module.css";
import { PlansLoading, PricingIntro } from "./pricing-loading.tsx";

// Only subscribers switch plans: the dialog loads when a subscriber's pricing shows, not with the page.
const loadPlanChangeDialog = withPageMessages(() => import("./plan-change-dialog.tsx"));
const PlanChangeDialog = lazy(() => loadPlanChangeDialog().then((m) => ({ default: m.PlanChangeDialog })));

interface PricingSectionProps {
  /** Supabase access token, or null when signed out. */
  accessToken: string | null;
  /** The price the signed-in user subscribes to, if any. */
  currentPriceId: string | null;
  /** The user already has access: other plans offer a switch, the current one the billing portal. */
  hasAccess: boolean;
  /** The signed-in user's id (for the plan-change dialog), or null. */
  userId?: string | null;
  /** May this visitor have a free trial? Unknown (null) for visitors: shown; false for former trialers. */
  trialEligible?: boolean | null;
  /** The user owns a one-time purchase (lifetime access). */
  ownsLifetime?: boolean;
  /** Called for a signed-out visitor who picked a price: sign in, then come back. */
  onSignInRequired: (priceId: string) => void;
  /** A price picked before signing in: checkout starts as soon as a session exists. */
  resumePriceId?: string | null;
  onResumeHandled?: () => void;
  /** Back from Stripe Checkout without paying (`cancel_url` is `/?checkout=canceled`). */
  checkoutCanceled?: boolean;
  deps?: SubscribeDeps;
}

const INTERVAL_ORDER: BillingInterval[] = ["month", "year", "week", "day"];

export function PricingSection(props: PricingSectionProps) {
  const { accessToken, currentPriceId, hasAccess, onSignInRequired, resumePriceId, onResumeHandled, deps } = props;
  const { checkoutCanceled = false, userId = null, trialEligible = null } = props;
  const [switching, setSwitching] = useState<{ plan: Plan; price: PlanPrice } | null>(null);
  const { t, locale } = useI18n();
  const plans = usePlans();
  const offers = useOneTimeOffers();
  const [currency, setCurrency] = useCurrency();
  const subscribe = useSubscribe(deps);
  const portal = useOpenPortal(deps);
  const [chosen, setChosen] = useState<BillingInterval | null>(null);
  useOnBackNavigation(() => {
    subscribe.reset();
    portal.reset();
  });
  useEffect(() => {
    if (hasAccess) void loadPlanChangeDialog();
  }, [hasAccess]);

  const intervals = useMemo(() => {
    const present = new Set(plans.data?.flatMap((plan) => plan.prices.map((price) => price.interval)) ?? []);
    return INTERVAL_ORDER.filter((interval) => present.has(interval));
  }, [plans.data]);
  const currentInterval =
    plans.data?.flatMap((plan) => plan.prices).find((price) => price.id === currentPriceId)?.interval ?? null;
  const interval = chosen ?? currentInterval ?? intervals[0] ?? "month";
  const savePercent = plans.data?.map(yearlySavingsPercent).find((value) => value !== null) ?? null;
  const current = plans.data
    ?.flatMap((plan) => plan.prices.map((price) => ({ plan, price })))
    .find(({ price }) => price.id === currentPriceId);
  /** Upgrade (applies now) or downgrade (at period end), as the API decides it. */
  const changeKind = (plan: Plan, price: PlanPrice | null): "upgrade" | "downgrade" | null => {
    if (!current || !price || price.id === current.price.id) return null;
    const facts = (p: Plan, x: PlanPrice) => ({
      priceId: x.id,
      unitAmount: x.unitAmount,
      interval: x.interval,
      intervalCount: x.intervalCount,
      features: p.features,
    });
    return planChangeTiming(facts(current.plan, current.price), facts(plan, price)) === "now" ? "upgrade" : "downgrade";
  };

  const start = (priceId: string) => {
    if (!accessToken) return onSignInRequired(priceId);
    subscribe.mutate({ priceId, locale, accessToken, currency });
  };
  const manage = () => {
    if (accessToken) portal.mutate({ locale, accessToken });
  };

  // Resume the checkout chosen before signing in, once.
  const resumed = useRef(false);
  useEffect(() => {
    if (!resumePriceId || !accessToken || resumed.current || !plans.data) return;
    resumed.current = true;
    onResumeHandled?.();
    if (!hasAccess) subscribe.mutate({ priceId: resumePriceId, locale, accessToken, currency });
  }, [resumePriceId, accessToken, plans.data, hasAccess, locale, subscribe, onResumeHandled, currency]);

  const busy = subscribe.isPending || portal.isPending || subscribe.isSuccess || portal.isSuccess;
  const failure = subscribe.error ?? portal.error;

  return (
    <section id="pricing" className={styles.section} aria-labelledby="pricing-title">
      <PricingIntro />

      <div className={styles.currencyPicker}>
        <label htmlFor="pricing-currency">{t("pricing.currency")}</label>
        <select
          id="pricing-currency"
          data-testid="currency-picker"
          value={currency}
          onChange={(e) => {
            if (isSellingCurrency(e.target.value)) setCurrency(e.target.value);
          }}
        >
          {SELLING_CURRENCIES.map((c) => (
            <option key={c} value={c}>
              {c.toUpperCase()}
            </option>
          ))}
        </select>
      </div>

      {intervals.length > 1 ? (
        <IntervalToggle value={interval} options={intervals} onChange={setChosen} savePercent={savePercent} />
      ) : null}

      <div aria-live="polite" className={styles.feedback}>
        {checkoutCanceled && !failure && !subscribe.isPending ? (
          <Alert tone="info" title={t("pricing.canceled")} testId="checkout-canceled" />
        ) : null}
        {failure ? <ApiErrorAlert error={failure} testId="pricing-error" /> : null}
      </div>

      {plans.isPending ? (
        <PlansLoading />
      ) : plans.isError ? (
        <LoadError title={t("pricing.loadError")} query={plans} testId="pricing-load-error" />
      ) : plans.data.length === 0 ? (
        <Alert tone="info" title={t("pricing.empty")} testId="pricing-empty" />
      ) : (
        <div className={styles.grid}>
          {plans.data.map((plan) => {
            const price = plan.prices.find((p) => p.interval === interval) ?? null;
            const pendingHere =
              (subscribe.isPending || subscribe.isSuccess) && subscribe.variables?.priceId === price?.id;
            return (
              <PlanCard
                key={plan.id}
                plan={plan}
                price={price}
                isCurrent={price !== null && price.id === currentPriceId}
                hasAccess={hasAccess}
                savePercent={yearlySavingsPercent(plan)}
                busy={pendingHere || (hasAccess && (portal.isPending || portal.isSuccess))}
                disabled={busy}
                onSubscribe={start}
                onManage={manage}
                trialOffered={trialEligible !== false}
                change={hasAccess ? changeKind(plan, price) : null}
                onChange={() => price && setSwitching({ plan, price })}
                currency={currency}
              />
            );
          })}
        </div>
      )}
      {switching && accessToken && userId ? (
        <Suspense fallback={null}>
          <PlanChangeDialog
            key={switching.price.id}
            plan={switching.plan}
            price={switching.price}
            userId={userId}
            accessToken={accessToken}
            onClose={() => setSwitching(null)}
          />
        </Suspense>
      ) : null}
      {offers.data?.map((offer) => (
        <LifetimeCard
          key={offer.price.id}
          offer={offer}
          currency={currency}
          owned={props.ownsLifetime ?? false}
          subscribed={hasAccess && !(props.ownsLifetime ?? false)}
          busy={(subscribe.isPending || subscribe.isSuccess) && subscribe.variables?.priceId === offer.price.id}
          disabled={busy}
          onBuy={start}
        />
      ))}
      {!accessToken && plans.data && plans.data.length > 0 ? (
        <p className={styles.note}>{t("pricing.signInFirst")}</p>
      ) : null}
    </section>
  );
}
