/** A JSON answer as Supabase's and Resend's servers send it: `application/json; charset=utf-8`. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return textResponse(status, JSON.stringify(value), headers);
}

/** A text answer (already serialised JSON unless `headers` names another Content-Type). */
export function textResponse(status: number, body: string, headers: Record<string, string> = {}): Response {
  const h = new Headers(headers);
  if (body.length > 0 && !h.has("content-type")) h.set("content-type", "application/json; charset=utf-8");
  return new Response(body, { status, headers: h });
}
