// Fixed, obviously fake credentials for the offline sandbox. They open nothing outside it.
export const SANDBOX_PUBLISHABLE_KEY = "sb_publishable_SANDBOX-ONLY-not-a-real-key-0000";
export const SANDBOX_SECRET_KEY = "sb_secret_SANDBOX-ONLY-not-a-real-key-00000000";
export const SANDBOX_STRIPE_SECRET_KEY = "sk_test_SANDBOX_ONLY_not_a_real_key_000000000000";
export const SANDBOX_WEBHOOK_SECRET = "whsec_SANDBOX_ONLY_not_a_real_secret_0000000000";
export const SANDBOX_TEST_CARD = "4242 4242 4242 4242";

export const SANDBOX_PORTS = {
  web: 5173,
  api: 8787,
  supabase: 54321,
  postgres: 54322,
  stripe: 12111,
} as const;
/** The Resend stand-in (served by the Supabase stand-in under /resend) accepts this key only. */
export const SANDBOX_RESEND_API_KEY = "re_SANDBOX_ONLY_not_a_real_key_0000000000";
