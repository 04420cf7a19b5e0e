/** Only same-origin paths may be redirect targets after sign-in (no open redirects). */
export function safeNextPath(value: string | null | undefined, fallback = "/"): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}
