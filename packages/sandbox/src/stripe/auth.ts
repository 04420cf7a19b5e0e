import { StripeApiError } from "./errors.ts";

function mask(key: string): string {
  return key.length > 8 ? `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
}

/** Reads the secret key from `Authorization: Bearer sk_…` (or Basic `sk_…:`); only `sk_test_…` passes. */
export function authenticate(header: string | undefined): string {
  let key = "";
  if (header?.startsWith("Bearer ")) key = header.slice(7).trim();
  else if (header?.startsWith("Basic "))
    key = Buffer.from(header.slice(6), "base64").toString("utf8").split(":")[0] ?? "";
  if (!key)
    throw new StripeApiError(
      401,
      "invalid_request_error",
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      { stored: false },
    );
  if (!/^sk_test_[A-Za-z0-9_]+$/.test(key))
    throw new StripeApiError(401, "invalid_request_error", `Invalid API Key provided: ${mask(key)}`, {
      code: "api_key_invalid",
      stored: false,
    });
  return key;
}
