/** One Phoenix channel message, whatever the serializer version. */
export interface PhoenixMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

export type Vsn = "1.0.0" | "2.0.0";

function str(v: unknown): string | null {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
}

/** vsn 2.0.0: `[join_ref, ref, topic, event, payload]`; vsn 1.0.0: an object with those fields. */
export function decodeFrame(text: string, vsn: Vsn): PhoenixMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  let parts: unknown[];
  if (vsn === "2.0.0") {
    if (!Array.isArray(parsed) || parsed.length !== 5) return undefined;
    parts = parsed;
  } else {
    if (!parsed || typeof parsed !== "object") return undefined;
    const o = parsed as Record<string, unknown>;
    parts = [o.join_ref, o.ref, o.topic, o.event, o.payload];
  }
  const [joinRef, ref, topic, event, payload] = parts;
  if (typeof topic !== "string" || typeof event !== "string") return undefined;
  return {
    joinRef: str(joinRef),
    ref: str(ref),
    topic,
    event,
    payload:
      payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {},
  };
}

export function encodeFrame(m: PhoenixMessage, vsn: Vsn): string {
  return vsn === "2.0.0"
    ? JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload])
    : JSON.stringify({ join_ref: m.joinRef, ref: m.ref, topic: m.topic, event: m.event, payload: m.payload });
}
