import { app } from "./app.ts";
import { parseEnv } from "./env.ts";
import { consumeSyncBatch } from "./services/consume-sync-batch.ts";
import { reconcile } from "./services/reconcile.ts";
import { EMAIL_CRON, sendPendingEmails } from "./services/send-emails.ts";
import { backgroundServices, getServices, type Services } from "./services/services.ts";
import type { SyncMessage } from "./services/sync-queue.ts";

/** Sends due lifecycle emails; a failed run is logged, the next one retries. */
function sendEmails(services: Services): Promise<void> {
  return sendPendingEmails(services).then(
    (report) => {
      if (report.claimed) console.log(JSON.stringify({ job: "emails", ...report }));
    },
    (e: unknown) =>
      console.error(
        JSON.stringify({ job: "emails", error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
      ),
  );
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const services = backgroundServices(getServices(parseEnv(env)));
    if (controller.cron === EMAIL_CRON) {
      ctx.waitUntil(sendEmails(services));
      return;
    }
    // A failed run is logged, never left as an unhandled rejection; the next cron run retries.
    ctx.waitUntil(
      reconcile(services).then(
        (report) => console.log(JSON.stringify({ job: "reconcile", ...report })),
        (e: unknown) =>
          console.error(
            JSON.stringify({ job: "reconcile", error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
          ),
      ),
    );
  },
  // The consumer of gatehouse-sync (wrangler.jsonc): one sync per customer per batch, paced.
  async queue(batch, env, ctx) {
    const services = backgroundServices(getServices(parseEnv(env)));
    const report = await consumeSyncBatch(services, batch);
    console.log(JSON.stringify({ job: "sync-queue", ...report }));
    // Emails the batch made due go out after it, never holding up the sync.
    ctx.waitUntil(sendEmails(services));
  },
} satisfies ExportedHandler<Env, SyncMessage>;
