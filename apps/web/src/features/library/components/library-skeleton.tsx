import { Skeleton } from "@/components/ui/skeleton.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import styles from "./library.module.css";

/** Rows being read: three placeholder lessons, announced as loading. */
export function LibrarySkeleton({ rows = 3 }: { rows?: number }) {
  const { t } = useI18n();
  return (
    <div className={styles.list} aria-busy="true">
      <span className="visually-hidden" role="status">
        {t("app.loading")}
      </span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className={styles.lesson} aria-hidden="true">
          <Skeleton width="50%" height="1.5rem" />
          <Skeleton width="90%" />
          <Skeleton width="70%" />
        </div>
      ))}
    </div>
  );
}
