import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { checkout, makePlan, useHarness } from "./test-support.ts";

const h = useHarness();

async function summaries(customer: string): Promise<Stripe.Entitlements.ActiveEntitlementSummary[]> {
  const out: Stripe.Entitlements.ActiveEntitlementSummary[] = [];
  for await (const e of h.stripe.events.list({ type: "entitlements.active_entitlement_summary.updated", limit: 100 }))
    if (e.type === "entitlements.active_entitlement_summary.updated" && e.data.object.customer === customer)
      out.push(e.data.object);
  return out.reverse();
}

const keysOf = (s: Stripe.Entitlements.ActiveEntitlementSummary | undefined) =>
  (s?.entitlements.data ?? []).map((e) => e.lookup_key).sort();

async function activeKeys(customer: string): Promise<string[]> {
  const list = await h.stripe.entitlements.activeEntitlements.list({ customer, limit: 100 });
  return list.data.map((e) => e.lookup_key).sort();
}

describe("entitlements features", () => {
  it("creates, retrieves, updates and lists features; lookup_key is unique; archived ones are listed apart", async () => {
    const f = await h.stripe.entitlements.features.create({
      name: "Basic library",
      lookup_key: "t1.library.basic",
      metadata: { tier: "basic" },
    });
    expect(f).toMatchObject({
      object: "entitlements.feature",
      active: true,
      lookup_key: "t1.library.basic",
      metadata: { tier: "basic" },
    });
    expect(f.id).toMatch(/^feat_test_/);
    expect(await h.stripe.entitlements.features.retrieve(f.id)).toEqual(f);
    const dup = await h.stripe.entitlements.features
      .create({ name: "Again", lookup_key: "t1.library.basic" })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ statusCode: 400, code: "resource_already_exists", param: "lookup_key" });
    const long = await h.stripe.entitlements.features
      .create({ name: "Long", lookup_key: "x".repeat(81) })
      .catch((e: unknown) => e);
    expect(long).toMatchObject({ statusCode: 400, param: "lookup_key" });
    const byKey = await h.stripe.entitlements.features.list({ lookup_key: "t1.library.basic" });
    expect(byKey.data.map((x) => x.id)).toEqual([f.id]);
    const archived = await h.stripe.entitlements.features.update(f.id, { active: false, name: "Basic (old)" });
    expect(archived).toMatchObject({ active: false, name: "Basic (old)" });
    expect((await h.stripe.entitlements.features.list({ limit: 100 })).data.map((x) => x.id)).not.toContain(f.id);
    expect((await h.stripe.entitlements.features.list({ archived: true })).data.map((x) => x.id)).toContain(f.id);
    const unknown = await h.stripe.entitlements.features
      // @ts-expect-error: an unknown parameter, refused by name
      .create({ name: "X", lookup_key: "t1.x", colour: "red" })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "colour" });
  });

  it("attaches, lists, retrieves and detaches product features; refuses duplicates and archived features", async () => {
    const product = await h.stripe.products.create({ name: "Attach test" });
    const a = await h.stripe.entitlements.features.create({ name: "A", lookup_key: "t2.a" });
    const b = await h.stripe.entitlements.features.create({ name: "B", lookup_key: "t2.b" });
    const pa = await h.stripe.products.createFeature(product.id, { entitlement_feature: a.id });
    expect(pa.id).toMatch(/^prodft_/);
    expect(pa).toMatchObject({ object: "product_feature", entitlement_feature: a, livemode: false });
    await h.stripe.products.createFeature(product.id, { entitlement_feature: b.id });
    const list = await h.stripe.products.listFeatures(product.id);
    expect(list.data.map((x) => x.entitlement_feature.lookup_key)).toEqual(["t2.b", "t2.a"]);
    expect(await h.stripe.products.retrieveFeature(product.id, pa.id)).toEqual(pa);
    const again = await h.stripe.products
      .createFeature(product.id, { entitlement_feature: a.id })
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ statusCode: 400, param: "entitlement_feature" });
    const deleted = await h.stripe.products.deleteFeature(product.id, pa.id);
    expect(deleted).toEqual({ id: pa.id, object: "product_feature", deleted: true });
    expect((await h.stripe.products.listFeatures(product.id)).data.map((x) => x.entitlement_feature.id)).toEqual([
      b.id,
    ]);
    const gone = await h.stripe.products.retrieveFeature(product.id, pa.id).catch((e: unknown) => e);
    expect(gone).toMatchObject({ statusCode: 404, code: "resource_missing" });
    const c = await h.stripe.entitlements.features.create({ name: "C", lookup_key: "t2.c" });
    await h.stripe.entitlements.features.update(c.id, { active: false });
    const archived = await h.stripe.products
      .createFeature(product.id, { entitlement_feature: c.id })
      .catch((e: unknown) => e);
    expect(archived).toMatchObject({ statusCode: 400, param: "entitlement_feature" });
    const missing = await h.stripe.products
      .createFeature(product.id, { entitlement_feature: "feat_test_nope" })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, param: "entitlement_feature" });
  });

  it("grants a subscribed product's features, announces each change, and takes them away when it ends", async () => {
    const basic = await h.stripe.entitlements.features.create({ name: "Basic", lookup_key: "t3.basic" });
    const pro = await h.stripe.entitlements.features.create({ name: "Pro", lookup_key: "t3.pro" });
    const downloads = await h.stripe.entitlements.features.create({ name: "Downloads", lookup_key: "t3.downloads" });
    const price = await makePlan(h.stripe);
    const product = String(price.product);
    await h.stripe.products.createFeature(product, { entitlement_feature: basic.id });
    await h.stripe.products.createFeature(product, { entitlement_feature: pro.id });
    const { subscription } = await checkout(h, price.id, { email: "ent@example.com" });
    const customer = String(subscription.customer);
    expect(await activeKeys(customer)).toEqual(["t3.basic", "t3.pro"]);
    let seen = await summaries(customer);
    expect(seen.map(keysOf)).toEqual([["t3.basic", "t3.pro"]]);
    const first = await h.stripe.entitlements.activeEntitlements.list({ customer, expand: ["data.feature"] });
    const one = first.data[0];
    expect(one?.id).toMatch(/^ent_test_/);
    expect(typeof one?.feature).toBe("object");
    expect(await h.stripe.entitlements.activeEntitlements.retrieve(one?.id ?? "")).toMatchObject({
      id: one?.id,
      object: "entitlements.active_entitlement",
    });

    // Attaching a feature to a product the customer holds changes the customer's set at once.
    const attached = await h.stripe.products.createFeature(product, { entitlement_feature: downloads.id });
    expect(await activeKeys(customer)).toEqual(["t3.basic", "t3.downloads", "t3.pro"]);
    const keptId = (await h.stripe.entitlements.activeEntitlements.list({ customer })).data.find(
      (e) => e.lookup_key === one?.lookup_key,
    )?.id;
    expect(keptId).toBe(one?.id);
    await h.stripe.products.deleteFeature(product, attached.id);
    seen = await summaries(customer);
    expect(seen.map(keysOf)).toEqual([
      ["t3.basic", "t3.pro"],
      ["t3.basic", "t3.downloads", "t3.pro"],
      ["t3.basic", "t3.pro"],
    ]);
    // A change that keeps the set (metadata) announces nothing.
    await h.stripe.subscriptions.update(subscription.id, { metadata: { note: "x" } });
    expect(await summaries(customer)).toHaveLength(3);

    await h.stripe.subscriptions.cancel(subscription.id);
    expect(await activeKeys(customer)).toEqual([]);
    seen = await summaries(customer);
    expect(seen.map(keysOf).at(-1)).toEqual([]);
    const event = (await h.stripe.events.list({ type: "entitlements.active_entitlement_summary.updated", limit: 1 }))
      .data[0];
    expect(event?.data.previous_attributes).toMatchObject({ entitlements: { object: "list" } });
  });

  it("needs a customer for active entitlements and refuses an unknown one", async () => {
    const missing = await h.stripe.entitlements.activeEntitlements
      .list({ customer: "cus_nope" })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, param: "customer" });
    const res = await fetch(`${h.standIn.url}/v1/entitlements/active_entitlements`, {
      headers: { authorization: "Bearer sk_test_x" },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "parameter_missing", param: "customer" } });
  });
});
