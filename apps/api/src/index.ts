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
    ctx.waitUntil(reconcile(services).then((report) => console.log(JSON.stringify({ job: "reconcile", ...report }))));
  },
  // The consumer of gatehouse-sync (wrangler.jsonc): one sync per customer per batch, paced.
  async queue(batch, env, _ctx) {
    const services = backgroundServices(getServices(parseEnv(env)));
    const report = await consumeSyncBatch(services, batch);
    console.log(JSON.stringify({ job: "sync-queue", ...report }));
  },
} satisfies ExportedHandler<Env, SyncMessage>;
