// The console's routes (/api/admin/*): every one needs an admin (token claim + role in the
// database), else 403 forbidden. Thin: the work is in services/admin/, whose declared results
// are the reads' answers (in App for the SPA).
import {
  type AdminReplayResponse,
  type AdminResyncResponse,
  customersQuerySchema,
  type DoctorStartedResponse,
  doctorBodySchema,
} from "@gatehouse/types";
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { jsonBody, queryOf } from "../middleware/json-body.ts";
import { requireAdmin } from "../middleware/require-admin.ts";
import { readCustomerPage } from "../services/admin/customer-page.ts";
import { readDoctorRun, startDoctor } from "../services/admin/doctor.ts";
import { listCustomers } from "../services/admin/list-customers.ts";
import { listBucketFiles } from "../services/admin/list-files.ts";
import { readOverview } from "../services/admin/overview.ts";
import { replayEvent } from "../services/admin/replay-event.ts";
import { resyncCustomer } from "../services/admin/resync-customer.ts";
import { backgroundServices } from "../services/services.ts";

export const adminRoutes = new Hono<AppEnv>()
  .use("/admin/*", requireAdmin)
  .get("/admin/overview", async (c) => c.json(await readOverview(c.var.services)))
  .get("/admin/files", async (c) => c.json(await listBucketFiles(c.var.services)))
  .get("/admin/customers", queryOf(customersQuerySchema), async (c) =>
    c.json(await listCustomers(c.var.services, c.req.valid("query"))),
  )
  .get("/admin/customers/:userId", async (c) => c.json(await readCustomerPage(c.var.services, c.req.param("userId"))))
  .post("/admin/customers/:userId/resync", async (c) => {
    const entitlement = await resyncCustomer(c.var.services, c.var.user, c.req.param("userId"));
    return c.json({ entitlement } satisfies AdminResyncResponse);
  })
  .post("/admin/events/:eventId/replay", async (c) =>
    c.json((await replayEvent(c.var.services, c.var.user, c.req.param("eventId"))) satisfies AdminReplayResponse),
  )
  .post("/admin/doctor", jsonBody(doctorBodySchema), async (c) => {
    const body = c.req.valid("json");
    const s = c.var.services;
    const started = await startDoctor(
      s,
      c.var.user,
      body.repair ?? false,
      (work) => c.executionCtx.waitUntil(work),
      backgroundServices(s),
    );
    return c.json(started satisfies DoctorStartedResponse, 202);
  })
  .get("/admin/doctor/:runId", async (c) => c.json(await readDoctorRun(c.var.services, c.req.param("runId"))));
