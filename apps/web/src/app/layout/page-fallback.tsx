import { Spinner } from "@/components/ui/spinner.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import styles from "./layout.module.css";

export function PageFallback() {
  const { t } = useI18n();
  return (
    <div className={styles.fallback} role="status" aria-live="polite">
      <Spinner />
      <span>{t("app.loading")}</span>
    </div>
  );
}
