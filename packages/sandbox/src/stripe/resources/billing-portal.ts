import type Stripe from "stripe";
import { type ApiRequest, type Ctx, type Route, route } from "../context.ts";
import { invalidParameter, resourceMissing } from "../errors.ts";
import { newId } from "../ids.ts";
import { listPage } from "../list.ts";
import { HOSTED_PAGE_LOCALES } from "../locales.ts";
import { mergeMetadata, Params, pageSpec, type SpecObject } from "../params.ts";
import { getCustomer } from "./customers.ts";

const portalLocales: readonly Stripe.BillingPortal.Session.Locale[] = [
  ...HOSTED_PAGE_LOCALES,
  "en-AU",
  "en-CA",
  "en-IE",
  "en-IN",
  "en-NZ",
  "en-SG",
];

const configurationSpec: SpecObject = {
  business_profile: { headline: "s", privacy_policy_url: "s", terms_of_service_url: "s" },
  default_return_url: "s",
  features: {
    customer_update: { allowed_updates: "list", enabled: "s" },
    invoice_history: { enabled: "s" },
    payment_method_update: { enabled: "s" },
    subscription_cancel: {
      enabled: "s",
      mode: "s",
      proration_behavior: "s",
      cancellation_reason: { enabled: "s", options: "list" },
    },
    subscription_update: {
      enabled: "s",
      default_allowed_updates: "list",
      products: [{ product: "s", prices: "list" }],
      proration_behavior: "s",
      schedule_at_period_end: { conditions: [{ type: "s" }] },
    },
  },
  login_page: { enabled: "s" },
  metadata: "map",
  name: "s",
  active: "s",
  expand: "list",
};

function defaultConfiguration(ctx: Ctx, isDefault: boolean): Stripe.BillingPortal.Configuration {
  const now = ctx.clock.now();
  return {
    id: newId("bpc"),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features: {
      customer_update: { allowed_updates: [], enabled: false },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true, payment_method_configuration: null },
      subscription_cancel: {
        cancellation_reason: { enabled: false, feedback_options: null, options: [] },
        enabled: true,
        mode: "at_period_end",
        proration_behavior: "none",
      },
      subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
      subscription_update: {
        billing_cycle_anchor: null,
        default_allowed_updates: ["price"],
        enabled: true,
        products: [],
        proration_behavior: "create_prorations",
        schedule_at_period_end: { conditions: [] },
        trial_update_behavior: "end_trial",
      },
    },
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  };
}

function oneOf<T extends string>(values: readonly T[], v: string | null, param: string): T | undefined {
  if (v === null) return undefined;
  const hit = values.find((x) => x === v);
  if (!hit) throw invalidParameter(param, `Invalid ${param}: ${v}`);
  return hit;
}

function applyConfiguration(base: Stripe.BillingPortal.Configuration, p: Params): Stripe.BillingPortal.Configuration {
  const bp = p.obj("business_profile");
  const f = p.obj("features");
  const cu = f?.obj("customer_update");
  const cancel = f?.obj("subscription_cancel");
  const upd = f?.obj("subscription_update");
  const feats = base.features;
  const products = upd?.objects("products").map((x) => ({
    adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
    prices: x.list("prices"),
    product: x.requireStr("product"),
  }));
  return {
    ...base,
    active: p.bool("active") ?? base.active,
    business_profile: bp
      ? {
          headline: bp.str("headline") ?? base.business_profile.headline,
          privacy_policy_url: bp.str("privacy_policy_url") ?? base.business_profile.privacy_policy_url,
          terms_of_service_url: bp.str("terms_of_service_url") ?? base.business_profile.terms_of_service_url,
        }
      : base.business_profile,
    default_return_url: p.has("default_return_url") ? p.str("default_return_url") : base.default_return_url,
    features: {
      ...feats,
      customer_update: cu
        ? {
            allowed_updates: cu.has("allowed_updates")
              ? cu
                  .list("allowed_updates")
                  .flatMap((u) =>
                    (["address", "email", "name", "phone", "shipping", "tax_id"] as const).filter((x) => x === u),
                  )
              : feats.customer_update.allowed_updates,
            enabled: cu.bool("enabled") ?? feats.customer_update.enabled,
          }
        : feats.customer_update,
      invoice_history: { enabled: f?.obj("invoice_history")?.bool("enabled") ?? feats.invoice_history.enabled },
      payment_method_update: {
        ...feats.payment_method_update,
        enabled: f?.obj("payment_method_update")?.bool("enabled") ?? feats.payment_method_update.enabled,
      },
      subscription_cancel: cancel
        ? {
            ...feats.subscription_cancel,
            enabled: cancel.bool("enabled") ?? feats.subscription_cancel.enabled,
            mode:
              oneOf(
                ["at_period_end", "immediately"] as const,
                cancel.str("mode"),
                "features[subscription_cancel][mode]",
              ) ?? feats.subscription_cancel.mode,
          }
        : feats.subscription_cancel,
      subscription_update: upd
        ? {
            ...feats.subscription_update,
            enabled: upd.bool("enabled") ?? feats.subscription_update.enabled,
            default_allowed_updates: upd.has("default_allowed_updates")
              ? upd
                  .list("default_allowed_updates")
                  .flatMap((u) => (["price", "promotion_code", "quantity"] as const).filter((x) => x === u))
              : feats.subscription_update.default_allowed_updates,
            products: products ?? feats.subscription_update.products ?? [],
            proration_behavior:
              oneOf(
                ["always_invoice", "create_prorations", "none"] as const,
                upd.str("proration_behavior"),
                "features[subscription_update][proration_behavior]",
              ) ?? feats.subscription_update.proration_behavior,
            schedule_at_period_end: upd.obj("schedule_at_period_end")
              ? {
                  conditions: (upd.obj("schedule_at_period_end")?.objects("conditions") ?? []).map((c, n) => ({
                    type:
                      oneOf(
                        ["decreasing_item_amount", "shortening_interval"] as const,
                        c.requireStr("type"),
                        `features[subscription_update][schedule_at_period_end][conditions][${n}][type]`,
                      ) ?? "decreasing_item_amount",
                  })),
                }
              : feats.subscription_update.schedule_at_period_end,
          }
        : feats.subscription_update,
    },
    login_page: p.obj("login_page")
      ? { enabled: p.obj("login_page")?.bool("enabled") ?? false, url: null }
      : base.login_page,
    metadata: mergeMetadata(base.metadata ?? {}, p.map("metadata")),
    name: p.has("name") ? p.str("name") : base.name,
  };
}

function getConfiguration(ctx: Ctx, id: string, param = "id"): Stripe.BillingPortal.Configuration {
  const c = ctx.store.get("portal_configuration", id);
  if (!c) throw resourceMissing("billing_portal.configuration", id, param);
  return c;
}

/** The default configuration, created on first use like Stripe's dashboard-saved default. */
export function defaultConfigurationOf(ctx: Ctx): Stripe.BillingPortal.Configuration {
  for (const id of ctx.store.ids("portal_configuration")) {
    const c = ctx.store.get("portal_configuration", id);
    if (c?.is_default) return c;
  }
  return ctx.store.put("portal_configuration", defaultConfiguration(ctx, true));
}

/** The configuration a portal session was created with (the default one if it is gone). */
export function portalConfigurationOf(
  ctx: Ctx,
  session: Stripe.BillingPortal.Session,
): Stripe.BillingPortal.Configuration {
  const id = typeof session.configuration === "string" ? session.configuration : session.configuration.id;
  return ctx.store.get("portal_configuration", id) ?? defaultConfigurationOf(ctx);
}

function createSession(ctx: Ctx, req: ApiRequest): Stripe.BillingPortal.Session {
  const p = new Params(req.params, {
    customer: "s",
    return_url: "s",
    locale: "s",
    configuration: "s",
    expand: "list",
  });
  const customer = getCustomer(ctx, p.requireStr("customer"), "customer");
  const configuration = p.str("configuration")
    ? getConfiguration(ctx, p.requireStr("configuration"), "configuration")
    : defaultConfigurationOf(ctx);
  const locale = oneOf(portalLocales, p.str("locale"), "locale") ?? null;
  const id = newId("bps");
  const session: Stripe.BillingPortal.Session = {
    id,
    object: "billing_portal.session",
    configuration: configuration.id,
    created: ctx.clock.now(),
    customer: customer.id,
    customer_account: null,
    flow: null,
    livemode: false,
    locale,
    on_behalf_of: null,
    return_url: p.str("return_url") ?? configuration.default_return_url,
    url: `${ctx.baseUrl}/portal/${id}`,
  };
  ctx.store.put("portal_session", session);
  return session;
}

export const billingPortalRoutes: Route[] = [
  route.post("/billing_portal/sessions", (ctx, req) => createSession(ctx, req)),
  route.post("/billing_portal/configurations", (ctx, req) => {
    const p = new Params(req.params, configurationSpec);
    const hasDefault = ctx.store
      .ids("portal_configuration")
      .some((id) => ctx.store.get("portal_configuration", id)?.is_default);
    return ctx.store.put("portal_configuration", applyConfiguration(defaultConfiguration(ctx, !hasDefault), p));
  }),
  route.get("/billing_portal/configurations/:id", (ctx, req, [id = ""]) => {
    new Params(req.params, { expand: "list" });
    return getConfiguration(ctx, id);
  }),
  route.post("/billing_portal/configurations/:id", (ctx, req, [id = ""]) => {
    const p = new Params(req.params, configurationSpec);
    const next = { ...applyConfiguration(getConfiguration(ctx, id), p), updated: ctx.clock.now() };
    return ctx.store.put("portal_configuration", next);
  }),
  route.get("/billing_portal/configurations", (ctx, req) => {
    const p = new Params(req.params, { ...pageSpec, active: "s", is_default: "s" });
    const active = p.bool("active");
    const isDefault = p.bool("is_default");
    return listPage(
      ctx.store.ids("portal_configuration"),
      (id) => ctx.store.get("portal_configuration", id),
      (c) => (active === null || c.active === active) && (isDefault === null || c.is_default === isDefault),
      p,
      "/v1/billing_portal/configurations",
    );
  }),
];
