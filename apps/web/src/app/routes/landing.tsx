import { Suspense } from "react";
import { Link } from "react-router";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { PricingLoading } from "@/features/pricing/components/pricing-loading.tsx";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { lazyRoute } from "../lazy-route.tsx";
import { withQueryClient } from "../with-query-client.tsx";
import styles from "./landing.module.css";

/**
 * The pricing (plans, the user's plan, checkout) loads with TanStack Query in a chunk of its own, so
 * neither is in the entry (issue 20); router.tsx's preloadRoute starts it with the entry. On the
 * prerendered landing, React hydrates the hero at once and keeps the pricing's HTML on screen until
 * its chunk is here (a Suspense boundary's server HTML stays until its content can hydrate); a
 * landing rendered afresh shows PricingLoading meanwhile. Its texts are in the entry's dictionary.
 */
export const landingPricing = lazyRoute(withQueryClient(() => import("./landing-pricing.tsx")));

export function LandingRoute() {
  const { t } = useI18n();
  usePageTitle(null);

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
        <Suspense fallback={<PricingLoading />}>
          <landingPricing.Route />
        </Suspense>
      </div>
    </>
  );
}
