import * as z from "zod/mini";
import { getEnv } from "@/config/env.ts";
import { ApiError } from "./api-error.ts";

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.optional(z.string()), requestId: z.optional(z.string()) }),
});

export interface ApiRequest<T> {
  path: `/api/${string}`;
  /** POST (default) with a JSON body; GET and DELETE send none. */
  method?: "GET" | "POST" | "DELETE";
  body?: unknown;
  /** Supabase access token sent as `Authorization: Bearer …`. */
  accessToken: string | null;
  schema: z.ZodMiniType<T>;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  baseUrl?: string;
}

/** POSTs JSON to the Gatehouse API and validates the answer; every failure becomes an ApiError. */
export async function apiPost<T>(request: ApiRequest<T>): Promise<T> {
  const doFetch = request.fetchImpl ?? fetch;
  const baseUrl = request.baseUrl ?? getEnv().apiUrl;
  const method = request.method ?? "POST";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method === "POST") headers["content-type"] = "application/json";
  if (request.accessToken) headers.authorization = `Bearer ${request.accessToken}`;
  let response: Response;
  try {
    response = await doFetch(`${baseUrl}${request.path}`, {
      method,
      headers,
      ...(method === "POST" ? { body: JSON.stringify(request.body ?? {}) } : {}),
      signal: request.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError("network_error", "The service could not be reached.", 0);
  }
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const parsed = errorBody.safeParse(payload);
    if (parsed.success) {
      const { code, message, requestId } = parsed.data.error;
      throw new ApiError(code, message ?? code, response.status, requestId ?? null);
    }
    throw new ApiError(`http_${response.status}`, `Unexpected answer (${response.status}).`, response.status);
  }
  const parsed = request.schema.safeParse(payload);
  if (!parsed.success) throw new ApiError("invalid_response", "Unexpected answer from the service.", response.status);
  return parsed.data;
}
