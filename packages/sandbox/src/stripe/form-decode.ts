import qs from "qs";
import { StripeApiError, unknownParameter } from "./errors.ts";

/** A decoded Stripe request parameter: a string, a nested object, or a list (from `a[0]=…`/`a[]=…`). */
export type Param = string | ParamObject | Param[];
export interface ParamObject {
  [key: string]: Param;
}

/**
 * The parser's limits. Stripe's deepest parameters are about five brackets deep
 * (`subscription_data[invoice_settings][issuer][account]`); its longest lists are webhook endpoints'
 * `enabled_events` (a few hundred types). Past a limit the request is refused, never truncated.
 */
export const FORM_LIMITS = { depth: 8, arrayLimit: 1000, parameterLimit: 2000 } as const;

/** Stripe's answer to a body or query string it cannot read. */
export function malformedForm(detail: string): StripeApiError {
  return new StripeApiError(
    400,
    "invalid_request_error",
    `Invalid request: the parameters could not be decoded as application/x-www-form-urlencoded (${detail}).`,
    { stored: false },
  );
}

/** Percent-decodes one key or value; a malformed `%` escape is the client's error, not ours. */
export function decodeComponent(s: string): string {
  const spaced = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw malformedForm(`malformed percent-encoding in "${spaced.slice(0, 100)}"`);
  }
}

/** Copies qs's output (null-prototype objects) into `Param`s: strings, arrays and own keys only. */
function toParam(value: unknown, path: string): Param {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((v, i) => toParam(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    const out: ParamObject = {};
    for (const [k, v] of Object.entries(value)) {
      // Cannot come out of qs with allowPrototypes: false; refused here too so no object ever gets one.
      if (k === "__proto__") throw malformedForm(`the key ${path ? `${path}[${k}]` : k} is not allowed`);
      out[k] = toParam(v, path ? `${path}[${k}]` : k);
    }
    return out;
  }
  return "";
}

/**
 * Decodes a form-encoded (or query) string the way Stripe reads it, with `qs`: bracket keys become
 * nested objects, numeric or empty brackets become lists, the empty string stays (it means "unset").
 * Prototype keys (`__proto__[x]=…`, `constructor[prototype]…`) never reach an object; nesting deeper
 * than `depth`, lists longer than `arrayLimit`, more than `parameterLimit` pairs and malformed `%`
 * escapes are refused with a 400 in Stripe's error shape.
 */
export function decodeForm(body: string): ParamObject {
  let parsed: unknown;
  try {
    parsed = qs.parse(body, {
      allowPrototypes: false,
      plainObjects: true,
      depth: FORM_LIMITS.depth,
      strictDepth: true,
      arrayLimit: FORM_LIMITS.arrayLimit,
      parameterLimit: FORM_LIMITS.parameterLimit,
      throwOnLimitExceeded: true,
      allowDots: false,
      comma: false,
      charset: "utf-8",
      decoder: (s: string, _default: unknown, _charset: unknown, type: "key" | "value") => {
        const decoded = decodeComponent(s);
        // qs drops `__proto__` keys; Stripe refuses keys it does not know, so say so instead of dropping.
        if (type === "key" && /(^|\[)__proto__(\]|\[|$)/.test(decoded)) throw unknownParameter(decoded);
        return decoded;
      },
    });
  } catch (e) {
    if (e instanceof StripeApiError) throw e;
    throw malformedForm(e instanceof Error ? e.message : String(e));
  }
  const out = toParam(parsed, "");
  return typeof out === "object" && !Array.isArray(out) ? out : {};
}
