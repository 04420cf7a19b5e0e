/** A long, locale-formatted date ("March 4, 2027" / "4 mars 2027"), or null for a missing or bad value. */
export function formatLongDate(iso: string | null, intlLocale: string): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(intlLocale, { dateStyle: "long" }).format(date);
}
