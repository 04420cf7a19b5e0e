import type { ReactNode } from "react";
import styles from "./alert.module.css";
import { LineIcon } from "./line-icon.tsx";

export type AlertTone = "info" | "success" | "warning" | "danger";

const ICONS: Record<AlertTone, ReactNode> = {
  info: <path d="M12 8h.01M11 12h1v4h1" />,
  success: <path d="m8 12.5 2.5 2.5L16 9.5" />,
  warning: <path d="M12 8v5M12 16h.01" />,
  danger: <path d="M12 8v5M12 16h.01" />,
};

interface AlertProps {
  tone: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  /** "alert" interrupts screen readers (errors); "status" is polite. */
  role?: "alert" | "status";
  testId?: string;
}

export function Alert({ tone, title, children, actions, role, testId }: AlertProps) {
  return (
    <div
      className={`${styles.alert} ${styles[tone]}`}
      role={role ?? (tone === "danger" ? "alert" : "status")}
      data-testid={testId}
    >
      <LineIcon className={styles.icon}>
        <circle cx="12" cy="12" r="9.5" />
        {ICONS[tone]}
      </LineIcon>
      <div className={styles.body}>
        {title ? <p className={styles.title}>{title}</p> : null}
        {children ? <div>{children}</div> : null}
        {actions ? <div className={styles.actions}>{actions}</div> : null}
      </div>
    </div>
  );
}
