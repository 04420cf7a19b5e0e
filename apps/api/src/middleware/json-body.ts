// Request bodies and queries, validated by Hono's standard validator with the schemas of
// @gatehouse/types (packages/types/src/api.ts): the route reads `c.req.valid("json")`, and the
// schema's input type is the route's input in `App`, so the SPA's typed calls send what it accepts.
// A failure is the API's own 400 (invalid_json, invalid_body, invalid_query) naming what to fix,
// never the validator's default body.
import { sValidator } from "@hono/standard-validator";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context, Next } from "hono";
import { ApiError } from "../errors.ts";

/** The media types Hono's validator reads as JSON (application/json, application/…+json). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** What to fix, issue by issue: the field and the schema's message; unknown fields by name. */
export function describeIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  return issues
    .map((issue) => {
      // zod's issues carry their code: an unknown field names itself ("unknown field(s): extra").
      const { code, keys } = issue as { code?: unknown; keys?: unknown };
      if (code === "unrecognized_keys" && Array.isArray(keys)) return `unknown field(s): ${keys.join(", ")}`;
      const path = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p));
      return path.length ? `${path.join(".")}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/**
 * The body before the validator reads it: an empty body counts as {} (whatever its type); any
 * other must be JSON and say so (Content-Type: application/json), since the validator reads no
 * other type and would see {} in its place.
 */
async function readJson(c: Context): Promise<void> {
  const text = await c.req.text();
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
  const labelledJson = JSON_MEDIA_TYPE.test(mediaType);
  if (text.trim() === "") {
    // The validator parses the cached text: give it {} to parse (it refuses an empty JSON body).
    if (labelledJson) (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve("{}");
    return;
  }
  if (!labelledJson) {
    throw new ApiError("invalid_json", "Send the request body as JSON, with Content-Type: application/json");
  }
  try {
    JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON");
  }
}

/** Validates the JSON body with `schema`; the handler reads it with `c.req.valid("json")`. */
export function jsonBody<S extends StandardSchemaV1>(schema: S) {
  const validate = sValidator("json", schema, (result) => {
    if (!result.success) throw new ApiError("invalid_body", describeIssues(result.error));
  });
  // The validator's type is what the route's types need (its input, for `App`): the wrapper keeps it.
  const handler = async (c: Context, next: Next) => {
    await readJson(c);
    return validate(c, next);
  };
  return handler as unknown as typeof validate;
}

/** Validates the query string with `schema`; the handler reads it with `c.req.valid("query")`. */
export function queryOf<S extends StandardSchemaV1>(schema: S) {
  return sValidator("query", schema, (result) => {
    if (!result.success) throw new ApiError("invalid_query", describeIssues(result.error));
  });
}
