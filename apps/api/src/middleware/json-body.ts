import type { Context } from "hono";
import type * as z from "zod/mini";
import { ApiError } from "../errors.ts";

/** Reads and validates a JSON body; an empty body counts as {}. 400 with a message that says what to fix. */
export async function jsonBody<S extends z.ZodMiniType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError(400, "invalid_json", "The request body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => {
        if (i.code === "unrecognized_keys") return `unknown field(s): ${i.keys.join(", ")}`;
        return i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message;
      })
      .join("; ");
    throw new ApiError(400, "invalid_body", detail);
  }
  return parsed.data;
}
