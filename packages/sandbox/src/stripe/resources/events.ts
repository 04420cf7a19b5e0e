import type { Route } from "../context.ts";
import { resourceMissing } from "../errors.ts";
import { listPage } from "../list.ts";
import { Params, pageSpec } from "../params.ts";

export const eventRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v1\/events\/([^/]+)$/,
    handle: (ctx, req, [id = ""]) => {
      new Params(req.params, { expand: "list" });
      const e = ctx.store.get("event", id);
      if (!e) throw resourceMissing("event", id);
      return e;
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/events$/,
    handle: (ctx, req) => {
      const p = new Params(req.params, {
        ...pageSpec,
        type: "s",
        types: "list",
        created: "map",
        delivery_success: "s",
      });
      const type = p.str("type");
      const types = p.list("types");
      const created = p.map("created") ?? {};
      const gte = created.gte ? Number(created.gte) : null;
      const lte = created.lte ? Number(created.lte) : null;
      const matchType = (t: string) =>
        (type === null || t === type || (type.endsWith(".*") && t.startsWith(type.slice(0, -1)))) &&
        (types.length === 0 || types.includes(t));
      return listPage(
        ctx.store.ids("event"),
        (id) => ctx.store.get("event", id),
        (e) => matchType(e.type) && (gte === null || e.created >= gte) && (lte === null || e.created <= lte),
        p,
        "/v1/events",
      );
    },
  },
];
