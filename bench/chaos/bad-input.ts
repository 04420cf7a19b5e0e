// Part 7: bad input everywhere the API reads. Malformed JSON, wrong types, oversized bodies,
// unexpected methods and content types, unicode garbage, deep nesting: a clear 4xx in the one
// error shape ({error:{code,message,requestId}}), never a 5xx.
import { type ChaosContext, createUser, pool } from "./context.ts";
import { figure, type PartResult, partResult } from "./figures.ts";

export interface InputCase {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  auth: boolean;
  /** true: must be 4xx with the error shape; false: anything but 5xx. */
  expect4xx: boolean;
}

const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
const deepObj = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

/** Bodies that are never a valid request body for any JSON route. */
export const BAD_BODIES: Array<[string, string]> = [
  ["malformed_json", '{"priceId":'],
  ["trailing_garbage", '{"priceId":"price_1"} xyz'],
  ["single_quotes", "{'priceId':'price_1'}"],
  ["json_array", "[1,2,3]"],
  ["json_string", '"price_1"'],
  ["json_number", "42"],
  ["json_null", "null"],
  ["json_true", "true"],
  ["wrong_type_number", '{"priceId":123,"sessionId":123,"locale":1}'],
  ["wrong_type_object", '{"priceId":{"$ne":null},"sessionId":{"a":1},"locale":{}}'],
  ["wrong_type_array", '{"priceId":["price_1"],"sessionId":["cs_1"],"locale":["en"]}'],
  ["unknown_fields", '{"priceId":"x","sessionId":"cs_x","admin":true,"__proto__":{"polluted":1}}'],
  ["proto_pollution", '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}'],
  ["unicode_garbage", '{"priceId":"\\ud800\\udfff\u202e\u0000\uffff💥","locale":"𝔢𝔫","sessionId":"cs_\u0000"}'],
  ["lone_surrogates", '{"priceId":"\\ud800","locale":"\\udfff","sessionId":"\\ud83d"}'],
  ["nul_bytes", '{"priceId":"price_\u0000\u0000","locale":"e\u0000n"}'],
  [
    "long_string",
    JSON.stringify({ priceId: "p".repeat(10_000), locale: "x".repeat(1000), sessionId: `cs_${"a".repeat(5000)}` }),
  ],
  ["deep_array_2000", deep(2000)],
  ["deep_object_1500", deepObj(1500)],
  ["bad_locale", '{"locale":"de","priceId":"price_1","sessionId":"cs_1"}'],
  ["bad_session_id", '{"sessionId":"../../v1/customers","priceId":"price_1"}'],
  ["big_number", '{"priceId":1e400,"sessionId":-0,"locale":NaN}'],
  ["bom_prefixed", '\ufeff{"priceId":"price_1"}'],
];

const OVERSIZED = JSON.stringify({ priceId: "x".repeat(17 * 1024) });
const OVERSIZED_DEEP = deep(60_000);

export function inputCases(): InputCase[] {
  const cases: InputCase[] = [];
  const jsonRoutes = ["/api/checkout", "/api/billing/portal", "/api/billing/sync"];
  for (const path of jsonRoutes) {
    for (const [name, body] of BAD_BODIES) {
      // portal and sync accept {} plus optional fields: bodies that are valid JSON objects of
      // known fields are not all errors there (e.g. bad_locale is, bad_session_id is).
      cases.push({ name: `${path} ${name}`, method: "POST", path, body, auth: true, expect4xx: true });
    }
    cases.push({ name: `${path} oversized`, method: "POST", path, body: OVERSIZED, auth: true, expect4xx: true });
    cases.push({
      name: `${path} oversized_deep`,
      method: "POST",
      path,
      body: OVERSIZED_DEEP,
      auth: true,
      expect4xx: true,
    });
    for (const ct of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
    ]) {
      cases.push({
        name: `${path} content-type ${ct}`,
        method: "POST",
        path,
        body: ct.startsWith("application/x-www") ? "priceId=price_1&locale=en" : "<x>1</x>",
        contentType: ct,
        auth: true,
        expect4xx: true,
      });
    }
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      cases.push({ name: `${path} ${method}`, method, path, auth: true, expect4xx: true });
    }
    cases.push({
      name: `${path} no auth, bad body`,
      method: "POST",
      path,
      body: '{"x":',
      auth: false,
      expect4xx: true,
    });
  }
  for (const method of ["POST", "PUT", "DELETE"]) {
    cases.push({ name: `/api/me ${method}`, method, path: "/api/me", auth: true, expect4xx: true, body: "{}" });
    cases.push({
      name: `/api/health ${method}`,
      method,
      path: "/api/health",
      auth: false,
      expect4xx: true,
      body: "{}",
    });
  }
  cases.push({
    name: "/api/me query garbage",
    method: "GET",
    path: "/api/me?%zz=%%&a[b]=1",
    auth: true,
    expect4xx: false,
  });
  for (const method of ["GET", "PUT", "DELETE"]) {
    cases.push({
      name: `/api/stripe/webhook ${method}`,
      method,
      path: "/api/stripe/webhook",
      auth: false,
      expect4xx: true,
    });
  }
  for (const [name, body] of BAD_BODIES) {
    cases.push({
      name: `/api/stripe/webhook ${name}`,
      method: "POST",
      path: "/api/stripe/webhook",
      body,
      auth: false,
      expect4xx: true,
    });
  }
  for (const path of [
    "/api/nope",
    "/api/../etc/passwd",
    "/api/%00",
    "/api/checkout/../../x",
    "/",
    "/api",
    "/api/stripe",
  ]) {
    cases.push({ name: `unknown ${path}`, method: "GET", path, auth: false, expect4xx: true });
  }
  return cases;
}

export function hasErrorShape(body: unknown): boolean {
  if (!body || typeof body !== "object") return false;
  const e = (body as { error?: unknown }).error;
  if (!e || typeof e !== "object") return false;
  const { code, message, requestId } = e as Record<string, unknown>;
  return (
    typeof code === "string" &&
    /^[a-z_]+$/.test(code) &&
    typeof message === "string" &&
    message.length > 0 &&
    typeof requestId === "string"
  );
}

export async function runBadInput(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const user = await createUser(ctx, "badinput");
  const cases = inputCases();
  const tally = { fiveXx: 0, not4xx: 0, badShape: 0, errors: 0 };
  const notes: string[] = [];
  await pool(cases, 8, async (c) => {
    const headers: Record<string, string> = {};
    if (c.auth) headers.authorization = `Bearer ${user.token}`;
    if (c.body !== undefined) headers["content-type"] = c.contentType ?? "application/json";
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${ctx.stack.urls.api}${c.path}`, {
        method: c.method,
        headers,
        ...(c.body !== undefined && c.method !== "GET" ? { body: c.body } : {}),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      tally.errors++;
      notes.push(`${c.name}: request failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (status >= 500) {
      tally.fiveXx++;
      notes.push(`${c.name}: ${status} ${text.slice(0, 160)}`);
      return;
    }
    if (c.expect4xx && (status < 400 || status >= 500)) {
      tally.not4xx++;
      notes.push(`${c.name}: expected 4xx, got ${status} ${text.slice(0, 120)}`);
      return;
    }
    if (status >= 400) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      if (!hasErrorShape(parsed)) {
        tally.badShape++;
        notes.push(`${c.name}: ${status} without the error shape: ${text.slice(0, 120)}`);
      }
    }
  });
  return partResult("bad-input", started, notes, [
    figure("bad_input_cases", cases.length, "cases"),
    figure("bad_input_5xx", tally.fiveXx, "cases", { mustBeZero: true }),
    figure("bad_input_not_4xx", tally.not4xx, "cases", { mustBeZero: true }),
    figure("bad_input_without_error_shape", tally.badShape, "cases", { mustBeZero: true }),
    figure("bad_input_transport_errors", tally.errors, "cases", { mustBeZero: true }),
  ]);
}
