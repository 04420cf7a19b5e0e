import styles from "./spinner.module.css";

/** A decorative spinner; pair it with visible or aria-live text. */
export function Spinner({ size = "md" }: { size?: "md" | "sm" }) {
  return <span aria-hidden="true" className={`${styles.spinner} ${size === "sm" ? styles.sm : ""}`} />;
}
