// The console's calls: the admin routes of the API only (never the secret key in the browser).
import * as z from "zod/mini";
import { apiPost } from "@/lib/api-client.ts";

const count = z.number();
export const overviewAnswer = z.object({
  mrr: z.array(z.object({ currency: z.string(), amount: z.number() })),
  byStatus: z.record(z.string(), count),
  new30d: count,
  churned30d: count,
  trials30d: count,
  trialsConverted30d: count,
  trialConversion: z.nullable(z.number()),
  ledger: z.object({ waiting: count, failed: count, deadLetter: count }),
  customers: count,
});
export type Overview = z.infer<typeof overviewAnswer>;

const customerItem = z.object({
  userId: z.string(),
  email: z.nullable(z.string()),
  createdAt: z.string(),
  customerId: z.nullable(z.string()),
  active: z.nullable(z.boolean()),
  status: z.nullable(z.string()),
  priceId: z.nullable(z.string()),
  isAdmin: z.boolean(),
});
export const customersAnswer = z.object({ items: z.array(customerItem), nextCursor: z.nullable(z.string()) });
export type CustomerItem = z.infer<typeof customerItem>;

const row = z.record(z.string(), z.unknown());
export const customerAnswer = z.object({
  user: z.object({ id: z.string(), email: z.nullable(z.string()), createdAt: z.string(), isAdmin: z.boolean() }),
  customerId: z.nullable(z.string()),
  entitlement: z.nullable(row),
  subscriptions: z.array(row),
  purchases: z.array(row),
  history: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      cause: z.string(),
      eventId: z.nullable(z.string()),
      actor: z.nullable(z.string()),
      before: z.nullable(row),
      after: row,
    }),
  ),
  events: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      created: z.string(),
      receivedAt: z.string(),
      processedAt: z.nullable(z.string()),
      attempts: z.number(),
      lastError: z.nullable(z.string()),
    }),
  ),
});
export type CustomerPage = z.infer<typeof customerAnswer>;

export const doctorRunAnswer = z.object({
  runId: z.string(),
  status: z.enum(["running", "done", "failed"]),
  repair: z.boolean(),
  progress: z.number(),
  total: z.number(),
  checked: z.number(),
  drifted: z.array(
    z.object({
      userId: z.string(),
      customerId: z.string(),
      fields: z.array(z.object({ field: z.string(), database: z.unknown(), stripe: z.unknown() })),
    }),
  ),
  repaired: z.number(),
  error: z.nullable(z.string()),
});
export type DoctorRun = z.infer<typeof doctorRunAnswer>;

export const filesAnswer = z.object({
  files: z.array(
    z.object({
      path: z.string(),
      feature: z.string(),
      name: z.string(),
      size: z.nullable(z.number()),
      updated_at: z.string(),
    }),
  ),
});

type Auth = { accessToken: string; signal?: AbortSignal };

export const adminApi = {
  overview: (a: Auth) => apiPost({ path: "/api/admin/overview", method: "GET", schema: overviewAnswer, ...a }),
  files: (a: Auth) => apiPost({ path: "/api/admin/files", method: "GET", schema: filesAnswer, ...a }),
  customers: (a: Auth & { q: string; status: string; priceId?: string; cursor: string | null }) => {
    const params = new URLSearchParams();
    if (a.q) params.set("q", a.q);
    if (a.status) params.set("status", a.status);
    if (a.priceId) params.set("priceId", a.priceId);
    if (a.cursor) params.set("cursor", a.cursor);
    return apiPost({
      path: `/api/admin/customers?${params.toString()}`,
      method: "GET",
      schema: customersAnswer,
      accessToken: a.accessToken,
      ...(a.signal ? { signal: a.signal } : {}),
    });
  },
  customer: (a: Auth & { userId: string }) =>
    apiPost({
      path: `/api/admin/customers/${encodeURIComponent(a.userId)}`,
      method: "GET",
      schema: customerAnswer,
      accessToken: a.accessToken,
      ...(a.signal ? { signal: a.signal } : {}),
    }),
  resync: (a: Auth & { userId: string }) =>
    apiPost({
      path: `/api/admin/customers/${encodeURIComponent(a.userId)}/resync`,
      schema: z.object({ entitlement: z.unknown() }),
      accessToken: a.accessToken,
    }),
  replay: (a: Auth & { eventId: string }) =>
    apiPost({
      path: `/api/admin/events/${encodeURIComponent(a.eventId)}/replay`,
      schema: z.object({ outcome: z.string() }),
      accessToken: a.accessToken,
    }),
  startDoctor: (a: Auth & { repair: boolean }) =>
    apiPost({
      path: "/api/admin/doctor",
      body: { repair: a.repair },
      schema: z.object({ runId: z.string() }),
      accessToken: a.accessToken,
    }),
  doctorRun: (a: Auth & { runId: string }) =>
    apiPost({
      path: `/api/admin/doctor/${encodeURIComponent(a.runId)}`,
      method: "GET",
      schema: doctorRunAnswer,
      accessToken: a.accessToken,
    }),
};
