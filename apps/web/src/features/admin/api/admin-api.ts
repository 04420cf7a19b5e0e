// The console's calls: the admin routes of the API only (never the secret key in the browser),
// typed by the API's routes (lib/api-client.ts).
import { type ApiAnswer, apiCall, authOf } from "@/lib/api-client.ts";

export type Overview = ApiAnswer<"GET", "/api/admin/overview">;
export type CustomersPage = ApiAnswer<"GET", "/api/admin/customers">;
export type CustomerItem = CustomersPage["items"][number];
export type CustomerPage = ApiAnswer<"GET", "/api/admin/customers/:userId">;
export type DoctorRun = ApiAnswer<"GET", "/api/admin/doctor/:runId">;

type Auth = { accessToken: string; signal?: AbortSignal };

export const adminApi = {
  overview: (a: Auth) => apiCall({ method: "GET", path: "/api/admin/overview", ...authOf(a) }),
  files: (a: Auth) => apiCall({ method: "GET", path: "/api/admin/files", ...authOf(a) }),
  customers: (a: Auth & { q: string; status: string; priceId?: string; cursor: string | null }) =>
    apiCall({
      method: "GET",
      path: "/api/admin/customers",
      query: { q: a.q, status: a.status, priceId: a.priceId, cursor: a.cursor ?? undefined },
      ...authOf(a),
    }),
  customer: (a: Auth & { userId: string }) =>
    apiCall({ method: "GET", path: "/api/admin/customers/:userId", params: { userId: a.userId }, ...authOf(a) }),
  resync: (a: Auth & { userId: string }) =>
    apiCall({
      method: "POST",
      path: "/api/admin/customers/:userId/resync",
      params: { userId: a.userId },
      ...authOf(a),
    }),
  replay: (a: Auth & { eventId: string }) =>
    apiCall({
      method: "POST",
      path: "/api/admin/events/:eventId/replay",
      params: { eventId: a.eventId },
      ...authOf(a),
    }),
  startDoctor: (a: Auth & { repair: boolean }) =>
    apiCall({ method: "POST", path: "/api/admin/doctor", body: { repair: a.repair }, ...authOf(a) }),
  doctorRun: (a: Auth & { runId: string }) =>
    apiCall({ method: "GET", path: "/api/admin/doctor/:runId", params: { runId: a.runId }, ...authOf(a) }),
};
