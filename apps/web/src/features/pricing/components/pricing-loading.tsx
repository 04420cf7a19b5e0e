import { Skeleton } from "@/components/ui/skeleton.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import styles from "./pricing.module.css";

// The pricing section's loading state, without TanStack Query: the landing shows it (PricingLoading)
// while the pricing's own chunk loads (app/routes/landing.tsx), and the section itself while the plans
// are read. Its CSS stays in the entry's stylesheet.

export function PricingIntro() {
  const { t } = useI18n();
  return (
    <div className={styles.intro}>
      <h2 id="pricing-title" className={styles.title}>
        {t("pricing.title")}
      </h2>
      <p className={styles.subtitle}>{t("pricing.subtitle")}</p>
    </div>
  );
}

function PlanSkeleton() {
  return (
    <div className={styles.card} aria-hidden="true">
      <Skeleton width="40%" height="1.5rem" />
      <Skeleton width="70%" />
      <Skeleton width="55%" height="2.75rem" />
      <Skeleton width="85%" />
      <Skeleton width="80%" />
      <Skeleton width="75%" />
      <Skeleton height="2.75rem" />
    </div>
  );
}

export function PlansLoading() {
  const { t } = useI18n();
  return (
    <div className={styles.grid} aria-busy="true">
      <span className="visually-hidden" role="status">
        {t("app.loading")}
      </span>
      <PlanSkeleton />
    </div>
  );
}

/** The section (`#pricing`, which `/#pricing` scrolls to) before its code is here. */
export function PricingLoading() {
  return (
    <section id="pricing" className={styles.section} aria-labelledby="pricing-title">
      <PricingIntro />
      <PlansLoading />
    </section>
  );
}
