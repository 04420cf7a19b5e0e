// Shapes of the stand-in's delivery log (packages/sandbox/src/stripe/webhook-delivery.ts).

export interface DeliveryAttempt {
  event_id: string;
  type: string;
  endpoint_id: string;
  url: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  latency_ms: number;
  at: string;
}

export interface DeliverySummary {
  pending: number;
  in_flight: number;
  delivered: number;
  failed: number;
  dropped: number;
  attempts: number;
  paused: boolean;
}
