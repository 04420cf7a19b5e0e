import { useId } from "react";
import { useI18n } from "@/features/i18n/index.ts";
import type { BillingInterval } from "../api/get-plans.ts";
import styles from "./pricing.module.css";

interface IntervalToggleProps {
  value: BillingInterval;
  options: BillingInterval[];
  onChange: (value: BillingInterval) => void;
  savePercent: number | null;
}

/** Monthly / yearly as a native radio group, styled as a segmented control. */
export function IntervalToggle({ value, options, onChange, savePercent }: IntervalToggleProps) {
  const { t } = useI18n();
  const name = useId();
  const label = (interval: BillingInterval) =>
    interval === "month"
      ? t("pricing.monthly")
      : interval === "year"
        ? t("pricing.yearly")
        : t(`pricing.unit.${interval}`);
  return (
    <fieldset className={styles.toggle}>
      <legend className="visually-hidden">{t("pricing.period")}</legend>
      {options.map((interval) => (
        <label key={interval} className={styles.toggleOption} data-checked={interval === value}>
          <input
            className={styles.toggleInput}
            type="radio"
            name={name}
            value={interval}
            checked={interval === value}
            onChange={() => onChange(interval)}
          />
          <span>{label(interval)}</span>
          {interval === "year" && savePercent ? (
            <span className={styles.toggleBadge}>{t("pricing.save", { percent: savePercent })}</span>
          ) : null}
        </label>
      ))}
    </fieldset>
  );
}
