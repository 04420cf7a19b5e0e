import type { ReactNode } from "react";

interface LineIconProps {
  children: ReactNode;
  className?: string | undefined;
  strokeWidth?: number;
  size?: number;
  strokeLinecap?: "round" | "butt";
}

/** A decorative 24×24 line icon drawn in the text colour (hidden from screen readers). */
export function LineIcon({ children, className, strokeWidth = 2, size, strokeLinecap = "round" }: LineIconProps) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      className={className}
      {...(size ? { width: size, height: size } : {})}
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap={strokeLinecap}
    >
      {children}
    </svg>
  );
}
