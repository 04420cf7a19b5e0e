import { useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Skeleton } from "@/components/ui/skeleton.tsx";
import { useAccessHistory } from "@/features/account/api/get-access-history.ts";
import { usePurchases } from "@/features/account/api/get-purchases.ts";
import { AccessStory } from "@/features/account/components/access-story.tsx";
import { AccountView } from "@/features/account/components/account-view.tsx";
import { EmailPreferencesSection } from "@/features/account/components/email-preferences-section.tsx";
import { PurchasesList } from "@/features/account/components/purchases-list.tsx";
import { useSession } from "@/features/auth/api/use-session.ts";
import { useSignOut } from "@/features/auth/api/use-sign-out.ts";
import { SignInRequired } from "@/features/auth/components/sign-in-required.tsx";
import { useEntitlement } from "@/features/billing/api/get-entitlement.ts";
import { useBillingResync } from "@/features/billing/api/use-billing-resync.ts";
import { useEntitlementChanges } from "@/features/billing/api/use-entitlement-changes.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { usePlans } from "@/features/pricing/api/get-plans.ts";
import { formatPrice } from "@/features/pricing/format-price.ts";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { Page } from "../layout/page.tsx";

function AccountSkeleton() {
  const { t } = useI18n();
  return (
    <div aria-busy="true" style={{ display: "grid", gap: "var(--space-3)" }}>
      <span className="visually-hidden" role="status">
        {t("app.loading")}
      </span>
      <Skeleton height="7rem" />
      <Skeleton width="40%" height="2.75rem" />
    </div>
  );
}

export default function AccountRoute() {
  const { t, locale, intlLocale } = useI18n();
  usePageTitle(t("nav.account"));
  const session = useSession();
  const queryClient = useQueryClient();
  const { signingOut, onSignOut } = useSignOut();
  const signedIn = session.status === "signed_in" ? session.session : null;
  const entitlement = useEntitlement(signedIn?.user.id ?? null);
  const plans = usePlans();
  const history = useAccessHistory(signedIn?.user.id ?? null, [
    ...queryKeys.accessHistory(signedIn?.user.id ?? null),
    entitlement.data?.updated_at ?? null,
  ]);
  const purchases = usePurchases(signedIn?.user.id ?? null);

  // A plan changed elsewhere (the portal's webhook, another tab) shows here without a reload.
  useEntitlementChanges(signedIn?.user.id ?? null);
  // Back from the billing portal: one re-sync per page load, not per visit.
  useBillingResync(signedIn?.user.id ?? null, signedIn?.access_token ?? null);

  let body: ReactNode;
  if (session.status === "loading") body = <AccountSkeleton />;
  else if (!signedIn) {
    body = <SignInRequired title={t("account.signInRequired")} next="/account" />;
  } else if (entitlement.isPending) body = <AccountSkeleton />;
  // A failed re-read (after a sync, a Realtime change) keeps showing the row read before.
  else if (entitlement.isError && entitlement.data === undefined) {
    body = (
      <Alert
        tone="danger"
        title={t("account.loadError")}
        actions={
          <Button size="sm" variant="secondary" onClick={() => entitlement.refetch()} loading={entitlement.isFetching}>
            {t("app.retry")}
          </Button>
        }
      />
    );
  } else {
    const priceId = entitlement.data?.price_id ?? null;
    const plan = plans.data?.find((p) => p.prices.some((price) => price.id === priceId)) ?? plans.data?.[0] ?? null;
    const price = plan?.prices.find((p) => p.id === priceId) ?? null;
    const scheduledId = entitlement.data?.scheduled_price_id ?? null;
    const scheduledPlan = plans.data?.find((p) => p.prices.some((x) => x.id === scheduledId)) ?? null;
    const ent = entitlement.data;
    const planName = plan ? (plan.translations?.[locale]?.name ?? plan.name) : null;
    const scheduledPlanName = scheduledPlan ? (scheduledPlan.translations?.[locale]?.name ?? scheduledPlan.name) : null;
    body = (
      <>
        <AccessStory
          facts={{
            active: ent?.active ?? false,
            status: ent?.status ?? null,
            planName,
            amount: price?.unitAmount ?? null,
            currency: price?.currency ?? null,
            interval: price?.interval ?? null,
            currentPeriodEnd: ent?.current_period_end ?? null,
            cancelAt: ent?.cancel_at ?? null,
            accessEndsAt: ent?.access_ends_at ?? null,
            trialEnd: ent?.trial_end ?? null,
            scheduledChange:
              scheduledPlanName && ent?.scheduled_at ? { planName: scheduledPlanName, at: ent.scheduled_at } : null,
          }}
          history={history.data ?? []}
        />
        <AccountView
          email={signedIn.user.email ?? null}
          accessToken={signedIn.access_token}
          entitlement={entitlement.data}
          planName={plan ? (plan.translations?.[locale]?.name ?? plan.name) : null}
          priceLabel={price ? formatPrice(price.unitAmount, price.currency, intlLocale) : null}
          scheduledPlanName={scheduledPlan ? (scheduledPlan.translations?.[locale]?.name ?? scheduledPlan.name) : null}
          onChanged={() => void queryClient.invalidateQueries({ queryKey: queryKeys.everyUser() })}
          onSignOut={onSignOut}
          lifetime={entitlement.data?.active === true && entitlement.data.source === "purchase"}
          signingOut={signingOut}
        />
        <PurchasesList purchases={purchases.data ?? []} />
        <EmailPreferencesSection userId={signedIn.user.id} accessToken={signedIn.access_token} />
      </>
    );
  }

  return (
    <Page width="narrow" title={t("account.title")}>
      {body}
    </Page>
  );
}
