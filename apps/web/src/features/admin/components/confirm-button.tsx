import { useEffect, useId, useRef, useState } from "react";
import { Button, buttonClassName } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import styles from "./admin.module.css";

/**
 * An action that asks first: the button opens an inline question with Confirm (focused) and
 * Cancel; Escape cancels. Keyboard and screen-reader friendly, no modal to trap focus in.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  busy = false,
  variant = "secondary",
}: {
  label: string;
  question?: string;
  onConfirm: () => void;
  busy?: boolean;
  variant?: "primary" | "secondary";
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={openerRef}
        type="button"
        className={buttonClassName({ size: "sm", variant })}
        disabled={busy}
        aria-busy={busy || undefined}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  const close = () => {
    setAsking(false);
    queueMicrotask(() => openerRef.current?.focus());
  };
  return (
    <fieldset
      className={styles.confirm}
      aria-labelledby={id}
      onKeyDown={(e) => {
        if (e.key === "Escape") close();
      }}
    >
      <span id={id}>{question ?? t("admin.confirmQuestion", { action: label })}</span>
      <button
        ref={confirmRef}
        type="button"
        className={buttonClassName({ size: "sm" })}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t("admin.confirm")}
      </button>
      <Button size="sm" variant="secondary" onClick={close}>
        {t("admin.cancel")}
      </Button>
    </fieldset>
  );
}
