// Supabase Storage's validation of object keys and bucket names (storage/src/storage/limits.ts):
// full UTF-8 except controls, S3's "characters to avoid" and invisible spoofing characters;
// no `.` or `..` segment; at most 1024 UTF-8 bytes.

const VALID_BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;
// Code points a key may not hold: C0/C1 controls and DEL, S3's "characters to avoid", and
// invisible characters that can spoof a path (combining grapheme joiner, bidi controls, BOM…).
const FORBIDDEN = [
  String.raw`\u{0000}-\u{001F}\u{007F}-\u{009F}`,
  String.raw`#\[\]{}^\x60"<>\\|%~`,
  String.raw`\u{034F}\u{061C}\u{200B}\u{200E}\u{200F}\u{2028}\u{2029}\u{202A}-\u{202E}\u{2060}\u{2066}-\u{2069}\u{FEFF}`,
].join("");
const VALID_OBJECT_KEY = new RegExp(`^[^${FORBIDDEN}]+$`, "u");
const PATH_TRAVERSAL = /(^|\/)\.{1,2}(\/|$)/;
export const MAX_OBJECT_KEY_BYTES = 1024;

export function isValidKey(key: string): boolean {
  if (!key || !VALID_OBJECT_KEY.test(key)) return false;
  if (PATH_TRAVERSAL.test(key)) return false;
  return Buffer.byteLength(key, "utf8") <= MAX_OBJECT_KEY_BYTES;
}

export function isValidBucketName(name: string): boolean {
  return name.length > 0 && name.length < 101 && VALID_BUCKET_NAME.test(name);
}
