import {
  type ChangePlanPreviewResponse,
  type ChangePlanResponse,
  type CheckoutResponse,
  changePlanBodySchema,
  checkoutBodySchema,
  type EmailPreferencesResponse,
  emailPreferencesBodySchema,
  type MeResponse,
  type PortalResponse,
  portalBodySchema,
  type SyncResponse,
  syncBodySchema,
} from "@gatehouse/types";
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { jsonBody } from "../middleware/json-body.ts";
import { requireUserWithin } from "../middleware/rate-limit.ts";
import { requireUser } from "../middleware/require-user.ts";
import { callRpc } from "../services/call-rpc.ts";
import { cancelScheduledChange, changePlan, previewPlanChange } from "../services/change-plan.ts";
import { toEntitlementView } from "../services/entitlement-view.ts";
import { openPortal } from "../services/open-portal.ts";
import { readContentAsUser } from "../services/read-content-as-user.ts";
import { startCheckout } from "../services/start-checkout.ts";
import { readEntitlement, syncUser } from "../services/sync-user.ts";

/** Routes for a signed-in user. */
export const accountRoutes = new Hono<AppEnv>()
  .get("/me", requireUser, async (c) => {
    const { user, services } = c.var;
    const [row, trialEligible] = await Promise.all([
      readEntitlement(services, user.id),
      callRpc(services.db, "trial_eligible", { p_user_id: user.id }),
    ]);
    return c.json({ user, entitlement: toEntitlementView(row), trialEligible } satisfies MeResponse);
  })
  // Non-essential emails on or off (receipts and payment failures are always sent), and the
  // language of emails. The row is written by the service role only (no write policy).
  .post("/me/email-preferences", requireUser, jsonBody(emailPreferencesBodySchema), async (c) => {
    const body = c.req.valid("json");
    const row = await callRpc(c.var.services.db, "set_email_preferences", {
      p_user_id: c.var.user.id,
      p_lifecycle_emails: body.lifecycleEmails ?? null,
      p_locale: body.locale ?? null,
    });
    return c.json({ lifecycleEmails: row.lifecycle_emails, locale: row.locale } satisfies EmailPreferencesResponse);
  })
  .post("/checkout", requireUserWithin("checkout"), jsonBody(checkoutBodySchema), async (c) => {
    const body = c.req.valid("json");
    const opts = { locale: body.locale, currency: body.currency };
    return c.json((await startCheckout(c.var.services, c.var.user, body.priceId, opts)) satisfies CheckoutResponse);
  })
  .post("/billing/portal", requireUserWithin("portal"), jsonBody(portalBodySchema), async (c) => {
    const body = c.req.valid("json");
    return c.json((await openPortal(c.var.services, c.var.user, body.locale)) satisfies PortalResponse);
  })
  .post("/billing/sync", requireUserWithin("sync"), jsonBody(syncBodySchema), async (c) => {
    const body = c.req.valid("json");
    const entitlement = await syncUser(c.var.services, c.var.user, body.sessionId);
    // The success page's content in the same answer (issue 20): read after the sync has written the
    // access, as the user (RLS decides), so the page paints it without a second round trip.
    const content =
      body.withContent && entitlement.active ? await readContentAsUser(c.var.config, c.var.accessToken) : null;
    const answer: SyncResponse = content ? { entitlement, content } : { entitlement };
    return c.json(answer);
  })
  .post("/billing/change-plan/preview", requireUserWithin("change-plan"), jsonBody(changePlanBodySchema), async (c) => {
    const body = c.req.valid("json");
    const preview = await previewPlanChange(c.var.services, c.var.user, body.priceId);
    return c.json(preview satisfies ChangePlanPreviewResponse);
  })
  .post("/billing/change-plan", requireUserWithin("change-plan"), jsonBody(changePlanBodySchema), async (c) => {
    const body = c.req.valid("json");
    const entitlement = await changePlan(c.var.services, c.var.user, body.priceId);
    return c.json({ entitlement } satisfies ChangePlanResponse);
  })
  .delete("/billing/change-plan", requireUserWithin("change-plan"), async (c) => {
    const entitlement = await cancelScheduledChange(c.var.services, c.var.user);
    return c.json({ entitlement } satisfies ChangePlanResponse);
  });
