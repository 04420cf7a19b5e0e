import type { ReactNode } from "react";
import styles from "./layout.module.css";

/** A page with a heading block; `narrow` for forms and single cards. */
export function Page({
  title,
  subtitle,
  children,
  narrow = false,
}: {
  title?: string;
  subtitle?: string;
  children: ReactNode;
  narrow?: boolean;
}) {
  return (
    <div className={`container ${styles.page} ${narrow ? styles.narrow : ""}`}>
      {title ? (
        <div className={styles.pageHeading}>
          <h1 className={styles.pageTitle}>{title}</h1>
          {subtitle ? <p className={styles.pageSubtitle}>{subtitle}</p> : null}
        </div>
      ) : null}
      {children}
    </div>
  );
}
