import type { ButtonHTMLAttributes, ReactNode } from "react";
import styles from "./button.module.css";
import { Spinner } from "./spinner.tsx";

export type ButtonVariant = "primary" | "secondary" | "ghost";

export interface ButtonStyleOptions {
  variant?: ButtonVariant;
  size?: "md" | "sm";
  block?: boolean;
}

/** Class names for a button look, also used on links that act as buttons. */
export function buttonClassName({ variant = "primary", size = "md", block = false }: ButtonStyleOptions = {}): string {
  return [styles.button, styles[variant], size === "sm" ? styles.small : "", block ? styles.block : ""]
    .filter(Boolean)
    .join(" ");
}

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement>, ButtonStyleOptions {
  loading?: boolean;
  children: ReactNode;
}

export function Button({ variant, size, block, loading = false, disabled, children, type, ...rest }: ButtonProps) {
  return (
    <button
      type={type ?? "button"}
      className={buttonClassName({ variant, size, block })}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading ? <Spinner size="sm" /> : null}
      {children}
    </button>
  );
}
