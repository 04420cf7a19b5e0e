import { app } from "./app.ts";
import { parseEnv } from "./env.ts";
import { consumeSyncBatch } from "./services/consume-sync-batch.ts";
import { reconcile } from "./services/reconcile.ts";
import { backgroundServices, getServices } from "./services/services.ts";
import type { SyncMessage } from "./services/sync-queue.ts";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const services = backgroundServices(getServices(parseEnv(env)));
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
  async queue(batch, env, _ctx) {
    const services = backgroundServices(getServices(parseEnv(env)));
    const report = await consumeSyncBatch(services, batch);
    console.log(JSON.stringify({ job: "sync-queue", ...report }));
  },
} satisfies ExportedHandler<Env, SyncMessage>;
