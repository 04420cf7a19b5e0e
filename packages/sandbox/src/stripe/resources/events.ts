import { type Route, route } from "../context.ts";
import { resourceMissing } from "../errors.ts";
import { listPage } from "../list.ts";
import { Params, pageSpec } from "../params.ts";

export const eventRoutes: Route[] = [
  route.get("/events/:id", (ctx, req, [id = ""]) => {
    new Params(req.params, { expand: "list" });
    const e = ctx.store.get("event", id);
    if (!e) throw resourceMissing("event", id);
    return e;
  }),
  route.get("/events", (ctx, req) => {
    const p = new Params(req.params, {
      ...pageSpec,
      type: "s",
      types: "list",
      created: { gt: "s", gte: "s", lt: "s", lte: "s" },
    });
    const type = p.str("type");
    const types = p.list("types");
    const created = p.obj("created");
    const gt = created?.int("gt") ?? null;
    const gte = created?.int("gte") ?? null;
    const lt = created?.int("lt") ?? null;
    const lte = created?.int("lte") ?? null;
    const inRange = (t: number) =>
      (gt === null || t > gt) && (gte === null || t >= gte) && (lt === null || t < lt) && (lte === null || t <= lte);
    const matchType = (t: string) =>
      (type === null || t === type || (type.endsWith(".*") && t.startsWith(type.slice(0, -1)))) &&
      (types.length === 0 || types.includes(t));
    return listPage(
      ctx.store.ids("event"),
      (id) => ctx.store.get("event", id),
      (e) => matchType(e.type) && inRange(e.created),
      p,
      "/v1/events",
    );
  }),
];
