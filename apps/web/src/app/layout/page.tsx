import type { ReactNode } from "react";
import styles from "./layout.module.css";

/** A page with a heading block; `narrow` for forms and single cards, `medium` for reading. */
export function Page({
  title,
  subtitle,
  children,
  width = "wide",
}: {
  title?: string;
  subtitle?: string;
  children: ReactNode;
  width?: "narrow" | "medium" | "wide";
}) {
  return (
    <div className={`container ${styles.page} ${width === "wide" ? "" : styles[width]}`}>
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
