import { useCallback, useEffect } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useSession } from "@/features/auth/api/use-session.ts";
import { useEntitlement } from "@/features/billing/api/get-entitlement.ts";
import { useMe } from "@/features/billing/api/use-me.ts";
import { PricingSection } from "@/features/pricing/components/pricing-section.tsx";

/**
 * The landing's pricing, with the user's entitlement and trial eligibility: a chunk of its own with
 * TanStack Query (issue 20), loaded as the entry starts (router.tsx, preloadRoute). On a prerendered
 * landing its HTML stays on screen until this is here, then React hydrates it (landing.tsx).
 */
export default function LandingPricing() {
  const session = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const signedIn = session.status === "signed_in" ? session.session : null;
  const entitlement = useEntitlement(signedIn?.user.id ?? null);
  const hasAccess = entitlement.data?.active ?? false;
  const me = useMe(signedIn?.access_token ?? null, signedIn?.user.id ?? null);

  const checkoutCanceled = params.get("checkout") === "canceled";
  useEffect(() => {
    // Back from Stripe without paying: show the plans (and the note above them) rather than the hero.
    if (checkoutCanceled) document.getElementById("pricing")?.scrollIntoView({ block: "start" });
  }, [checkoutCanceled]);

  const onSignInRequired = (priceId: string) => {
    const next = `/?subscribe=${encodeURIComponent(priceId)}#pricing`;
    navigate(`/sign-in?mode=sign-up&next=${encodeURIComponent(next)}`);
  };
  const onResumeHandled = useCallback(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete("subscribe");
        return next;
      },
      { replace: true },
    );
  }, [setParams]);

  return (
    <PricingSection
      accessToken={signedIn?.access_token ?? null}
      currentPriceId={entitlement.data?.active ? (entitlement.data.price_id ?? null) : null}
      hasAccess={hasAccess}
      userId={signedIn?.user.id ?? null}
      trialEligible={me.data?.trialEligible ?? null}
      ownsLifetime={entitlement.data?.active === true && entitlement.data.source === "purchase"}
      onSignInRequired={onSignInRequired}
      resumePriceId={entitlement.isPending && signedIn ? null : params.get("subscribe")}
      checkoutCanceled={checkoutCanceled}
      onResumeHandled={onResumeHandled}
    />
  );
}
