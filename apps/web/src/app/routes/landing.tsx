import { useCallback, useEffect } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useSession } from "@/features/auth/api/use-session.ts";
import { useEntitlement } from "@/features/billing/api/get-entitlement.ts";
import { useMe } from "@/features/billing/api/use-me.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { PricingSection } from "@/features/pricing/components/pricing-section.tsx";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import styles from "./landing.module.css";

export function LandingRoute() {
  const { t } = useI18n();
  usePageTitle(null);
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
    <>
      <section className={styles.hero} aria-labelledby="hero-title">
        <div className={`container ${styles.heroInner}`}>
          <p className={styles.eyebrow}>{t("hero.eyebrow")}</p>
          <h1 id="hero-title" className={styles.title}>
            {t("hero.title")}
          </h1>
          <p className={styles.subtitle}>{t("hero.subtitle")}</p>
          <div className={styles.ctas}>
            <a href="#pricing" className={buttonClassName()}>
              {t("hero.cta")}
            </a>
            <Link to="/library" className={buttonClassName({ variant: "secondary" })}>
              {t("hero.secondary")}
            </Link>
          </div>
        </div>
      </section>
      <div className="container">
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
      </div>
    </>
  );
}
