// The Gatehouse API's calls, typed by the API itself: `App` (apps/api/src/app.ts, a type-only
// import through the workspace export @gatehouse/api/app) says each route's path, method, body,
// query and answer: the types Hono's typed client hc<App> gives, read here without its runtime.
// A change to a route's schema or answer that the SPA does not follow fails the SPA's typecheck.
// At run time the answers are trusted (same team, same deploy); only the error shape is checked.
import type { App } from "@gatehouse/api/app";
import type { ApiErrorCode } from "@gatehouse/types";
import type { ExtractSchema, ParamKeys } from "hono/types";
import { getEnv } from "@/config/env.ts";
import { ApiError } from "./api-error.ts";

type Routes = ExtractSchema<App>;
export type ApiMethod = "GET" | "POST" | "DELETE";
type Verb<M extends ApiMethod> = `$${Lowercase<M>}`;

/** The API's paths that answer `method`. */
export type ApiPath<M extends ApiMethod> = {
  [P in keyof Routes]: Verb<M> extends keyof Routes[P] ? P : never;
}[keyof Routes] &
  string;

type Endpoint<M extends ApiMethod, P extends ApiPath<M>> = Routes[P] extends infer R
  ? Verb<M> extends keyof R
    ? R[Verb<M>]
    : never
  : never;
type InputOf<M extends ApiMethod, P extends ApiPath<M>> = Endpoint<M, P> extends { input: infer I } ? I : never;

/** What a route answers (its JSON on success; a failure is an ApiError). */
export type ApiAnswer<M extends ApiMethod, P extends ApiPath<M>> =
  Endpoint<M, P> extends { output: infer O } ? O : never;
/** The JSON body a route takes. */
export type ApiBody<M extends ApiMethod, P extends ApiPath<M>> = InputOf<M, P> extends { json: infer B } ? B : never;
/** The query a route reads. */
export type ApiQuery<M extends ApiMethod, P extends ApiPath<M>> = InputOf<M, P> extends { query: infer Q } ? Q : never;

/** `Then` when the route has `T` (a body, a query, path parameters), nothing otherwise. */
type IfHas<T, Then> = [T] extends [never] ? object : Then;

export type ApiRequest<M extends ApiMethod, P extends ApiPath<M>> = {
  method: M;
  path: P;
  /** Supabase access token sent as `Authorization: Bearer …`. */
  accessToken: string | null;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  baseUrl?: string;
} & IfHas<ApiBody<M, P>, { body: ApiBody<M, P> }> &
  IfHas<ApiQuery<M, P>, { query?: ApiQuery<M, P> }> &
  IfHas<ParamKeys<P>, { params: Record<ParamKeys<P>, string> }>;

interface ErrorBody {
  error: { code: string; message?: string; requestId?: string };
}

/** The API's error shape ({"error":{"code","message","requestId"}}), checked: it decides what the user reads. */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (!value || typeof value !== "object" || !("error" in value)) return false;
  const error = value.error;
  if (!error || typeof error !== "object" || !("code" in error) || typeof error.code !== "string") return false;
  const { message, requestId } = error as { message?: unknown; requestId?: unknown };
  return (
    (message === undefined || typeof message === "string") && (requestId === undefined || typeof requestId === "string")
  );
}

/** The path with its parameters filled in (encoded) and its query appended (empty values left out). */
export function urlOf(path: string, params?: Record<string, string>, query?: object): string {
  const filled = path.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(params?.[key] ?? ""));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (typeof value === "string" && value !== "") search.set(key, value);
  }
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/** The caller's token and abort signal, and nothing else it was given (to spread into an apiCall request). */
export function authOf({ accessToken, signal }: { accessToken: string; signal?: AbortSignal }) {
  return { accessToken, signal };
}

/** Calls the Gatehouse API; every failure becomes an ApiError (code, status, request id). */
export async function apiCall<M extends ApiMethod, P extends ApiPath<M>>(
  request: ApiRequest<M, P>,
): Promise<ApiAnswer<M, P>> {
  const { method, accessToken } = request;
  const { body, query, params } = request as { body?: unknown; query?: object; params?: Record<string, string> };
  const doFetch = request.fetchImpl ?? fetch;
  const baseUrl = request.baseUrl ?? getEnv().apiUrl;
  const headers: Record<string, string> = { accept: "application/json" };
  if (method === "POST") headers["content-type"] = "application/json";
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  let sent: Promise<Response>;
  try {
    sent = doFetch(`${baseUrl}${urlOf(request.path, params, query)}`, {
      method,
      headers,
      ...(method === "POST" ? { body: JSON.stringify(body ?? {}) } : {}),
      signal: request.signal,
    });
  } catch (cause) {
    sent = Promise.reject(cause);
  }
  return apiAnswerOf<M, P>(sent);
}

/**
 * Reads the answer of a call already sent (by apiCall, or by the boot's early sync with fetch
 * alone): every failure becomes an ApiError (code, status, request id); an abort stays an abort.
 */
export async function apiAnswerOf<M extends ApiMethod, P extends ApiPath<M>>(
  sent: Promise<Response>,
): Promise<ApiAnswer<M, P>> {
  let response: Response;
  try {
    response = await sent;
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
    if (isErrorBody(payload)) {
      const { code, message, requestId } = payload.error;
      // The API sends the codes of its contract (ApiErrorCode): the SPA's branches on them are typed.
      throw new ApiError(code as ApiErrorCode, message ?? code, response.status, requestId ?? null);
    }
    throw new ApiError(`http_${response.status}`, `Unexpected answer (${response.status}).`, response.status);
  }
  if (payload === null || typeof payload !== "object") {
    throw new ApiError("invalid_response", "Unexpected answer from the service.", response.status);
  }
  return payload as ApiAnswer<M, P>;
}
