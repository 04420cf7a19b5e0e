import type { HealthResponse } from "@gatehouse/types";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { AppEnv } from "./context.ts";
import { EnvError, parseEnv } from "./env.ts";
import { ApiError, errorResponse, handleError, serverError } from "./errors.ts";
import { accountRoutes } from "./routes/account.ts";
import { adminRoutes } from "./routes/admin.ts";
import { stripeWebhookRoutes } from "./routes/stripe-webhook.ts";
import { getServices } from "./services/services.ts";

const KiB = 1024;
const WEBHOOK_PATH = "/api/stripe/webhook";
const webhookBodyLimit = bodyLimit({ maxSize: 512 * KiB, onError: tooLarge });
const routeBodyLimit = bodyLimit({ maxSize: 16 * KiB, onError: tooLarge });

export const app = new Hono<AppEnv>()
  // The request id is the API's own, never the caller's X-Request-Id (which could forge log lines
  // or pin someone else's id on an answer).
  .use(async (c, next) => {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  })
  .use(async (c, next) => {
    let config: ReturnType<typeof parseEnv>;
    try {
      config = parseEnv(c.env);
    } catch (e) {
      if (e instanceof EnvError) {
        return serverError(c, "bad_environment", { problems: e.problems });
      }
      throw e;
    }
    c.set("config", config);
    c.set("services", getServices(config));
    return cors({
      origin: config.APP_URL,
      allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type"],
      exposeHeaders: ["X-Request-Id"],
      maxAge: 600,
    })(c, next);
  })
  .get("/api/health", (c) => c.json({ ok: true } satisfies HealthResponse))
  // Stripe's events (an invoice with many lines, a subscription with its items) often exceed 16 KiB:
  // the webhook gets its own limit, and the 16 KiB one applies to every other route.
  .use("/api/*", (c, next) => (c.req.path === WEBHOOK_PATH ? webhookBodyLimit(c, next) : routeBodyLimit(c, next)))
  .route("/api", stripeWebhookRoutes)
  .route("/api", accountRoutes)
  .route("/api", adminRoutes)
  .notFound((c) => errorResponse(c, "not_found", `No route ${c.req.method} ${new URL(c.req.url).pathname}`))
  .onError(handleError);

function tooLarge(): never {
  throw new ApiError("payload_too_large", "The request body is too large");
}

export type App = typeof app;
