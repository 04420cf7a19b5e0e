const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Is this a UUID in its canonical text form (a Supabase user id)? The one check, used everywhere. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
