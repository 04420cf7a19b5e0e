import { LineIcon } from "@/components/ui/line-icon.tsx";
import { isLocale, LOCALES } from "../locale.ts";
import { useI18n } from "../use-i18n.ts";
import styles from "./language-switch.module.css";

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className={styles.switch}>
      <span className="visually-hidden">{t("nav.language")}</span>
      <LineIcon className={styles.icon} strokeWidth={1.8} strokeLinecap="butt">
        <circle cx="12" cy="12" r="9" />
        <ellipse cx="12" cy="12" rx="4" ry="9" />
        <path d="M3 12h18" />
      </LineIcon>
      <select
        className={styles.select}
        value={locale}
        onChange={(event) => {
          if (isLocale(event.target.value)) setLocale(event.target.value);
        }}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`lang.${code}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
