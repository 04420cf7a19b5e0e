/** A byte count for people: 980 B, 12.4 KB, 3.1 MB (decimal units, as file managers show). */
export function formatSize(bytes: number, intlLocale: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const n = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: digits }).format(value);
  return `${n}\u00a0${units[unit]}`;
}

const TYPE_LABELS: Record<string, string> = {
  "application/pdf": "PDF",
  "application/epub+zip": "EPUB",
  "application/zip": "ZIP",
  "text/plain": "TXT",
  "text/markdown": "Markdown",
  "text/csv": "CSV",
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "audio/mpeg": "MP3",
  "video/mp4": "MP4",
};

/** A short label for a mime type (PDF, ZIP…), or its subtype. */
export function typeLabel(mimetype: string | null): string {
  if (!mimetype) return "?";
  return TYPE_LABELS[mimetype] ?? (mimetype.split("/")[1] ?? mimetype).toUpperCase();
}
