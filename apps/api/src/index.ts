import { app } from "./app.ts";
import { parseEnv } from "./env.ts";
import { reconcile } from "./services/reconcile.ts";
import { getServices } from "./services/services.ts";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const services = getServices(parseEnv(env));
    ctx.waitUntil(reconcile(services).then((report) => console.log(JSON.stringify({ job: "reconcile", ...report }))));
  },
} satisfies ExportedHandler<Env>;
