import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { useHarness } from "./test-support.ts";

const h = useHarness();

async function portalFor(customer: string, allowed: Array<"address" | "tax_id"> | null, locale?: "fr") {
  const config = await h.stripe.billingPortal.configurations.create({
    features: {
      customer_update: allowed ? { enabled: true, allowed_updates: allowed } : { enabled: false },
    },
  });
  return h.stripe.billingPortal.sessions.create({ customer, configuration: config.id, ...(locale ? { locale } : {}) });
}

async function post(session: Stripe.BillingPortal.Session, form: Record<string, string>): Promise<string | null> {
  const res = await fetch(session.url, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });
  expect(res.status).toBe(303);
  return res.headers.get("location");
}

async function eventsOf(type: string, customer: string): Promise<Stripe.Event[]> {
  const out: Stripe.Event[] = [];
  for await (const e of h.stripe.events.list({ type, limit: 100 })) {
    const o = e.data.object as unknown as { id: string; customer?: string | null };
    if ((o.customer ?? o.id) === customer) out.push(e);
  }
  return out;
}

describe("the hosted portal's billing information (customer_update: address, tax_id)", () => {
  it("updates the billing address as the customer enters it, with customer.updated and its previous address", async () => {
    const customer = await h.stripe.customers.create({ email: "vat@example.com" });
    const portal = await portalFor(customer.id, ["address", "tax_id"]);
    const page = await (await fetch(portal.url)).text();
    expect(page).toContain("Billing information");
    expect(page).toContain("Save address");
    const location = await post(portal, {
      action: "address",
      country: "FR",
      line1: "1 Rue de Rivoli",
      postalCode: "75001",
      city: "Paris",
    });
    expect(location).toBe(`/portal/${portal.id}?notice=address_updated`);
    const after = await h.stripe.customers.retrieve(customer.id);
    expect("address" in after && after.address).toEqual({
      city: "Paris",
      country: "FR",
      line1: "1 Rue de Rivoli",
      line2: null,
      postal_code: "75001",
      state: null,
    });
    const [updated] = await eventsOf("customer.updated", customer.id);
    expect(updated?.data.previous_attributes).toEqual({ address: null });
    expect(await (await fetch(`${h.standIn.url}${location}`)).text()).toContain("Your billing address was updated.");
    // No country: refused, the address stays.
    expect(await post(portal, { action: "address", country: "", line1: "nowhere" })).toBe(
      `/portal/${portal.id}?notice=address_invalid`,
    );
    expect((await eventsOf("customer.updated", customer.id)).length).toBe(1);
  });

  it("adds a tax ID (normalized, its country derived) and removes it, with customer.tax_id.created and .deleted", async () => {
    const customer = await h.stripe.customers.create({ email: "ada@example.com" });
    const portal = await portalFor(customer.id, ["tax_id"], "fr");
    const page = await (await fetch(portal.url)).text();
    expect(page).toContain("Informations de facturation");
    expect(page).not.toContain("Enregistrer l’adresse");
    expect(await post(portal, { action: "tax_id_add", type: "eu_vat", value: "fr 403 032 650 45" })).toBe(
      `/portal/${portal.id}?notice=tax_id_added`,
    );
    const listed = await h.stripe.customers.listTaxIds(customer.id);
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({
      object: "tax_id",
      type: "eu_vat",
      value: "FR40303265045",
      country: "FR",
      customer: customer.id,
      owner: { type: "customer", customer: customer.id },
    });
    const taxId = listed.data[0]?.id ?? "";
    const created = await eventsOf("customer.tax_id.created", customer.id);
    expect(created.map((e) => (e.data.object as Stripe.TaxId).id)).toEqual([taxId]);
    expect(await (await fetch(portal.url)).text()).toContain("TVA UE · FR40303265045");

    const bad = await post(portal, { action: "tax_id_add", type: "gb_vat", value: "FR40303265045" });
    expect(bad).toBe(`/portal/${portal.id}?notice=tax_id_invalid`);
    expect(await (await fetch(`${h.standIn.url}${bad}`)).text()).toContain("Ce numéro ne correspond pas");
    expect((await h.stripe.customers.listTaxIds(customer.id)).data).toHaveLength(1);

    expect(await post(portal, { action: "tax_id_delete", taxId })).toBe(`/portal/${portal.id}?notice=tax_id_removed`);
    expect((await h.stripe.customers.listTaxIds(customer.id)).data).toEqual([]);
    const deleted = await eventsOf("customer.tax_id.deleted", customer.id);
    expect(deleted.map((e) => (e.data.object as Stripe.TaxId).id)).toEqual([taxId]);
  });

  it("offers nothing and changes nothing when the configuration does not allow it (forged forms ignored)", async () => {
    const customer = await h.stripe.customers.create({ email: "locked@example.com" });
    const other = await h.stripe.customers.create({ email: "other@example.com" });
    const theirs = await h.stripe.customers.createTaxId(other.id, { type: "us_ein", value: "12-3456789" });
    const locked = await portalFor(customer.id, null);
    expect(await (await fetch(locked.url)).text()).not.toContain("Billing information");
    expect(await post(locked, { action: "address", country: "FR" })).toBe(`/portal/${locked.id}`);
    expect(await post(locked, { action: "tax_id_add", type: "eu_vat", value: "FR40303265045" })).toBe(
      `/portal/${locked.id}`,
    );
    const addressOnly = await portalFor(customer.id, ["address"]);
    expect(await post(addressOnly, { action: "tax_id_add", type: "eu_vat", value: "FR40303265045" })).toBe(
      `/portal/${addressOnly.id}`,
    );
    // Another customer's tax ID cannot be removed through this customer's portal.
    const open = await portalFor(customer.id, ["tax_id"]);
    expect(await post(open, { action: "tax_id_delete", taxId: theirs.id })).toBe(`/portal/${open.id}`);
    const after = await h.stripe.customers.retrieve(customer.id);
    expect("address" in after && after.address).toBeNull();
    expect((await h.stripe.customers.listTaxIds(customer.id)).data).toEqual([]);
    expect((await h.stripe.customers.listTaxIds(other.id)).data.map((x) => x.id)).toEqual([theirs.id]);
  });

  it("answers the tax ID API as Stripe does: 400 tax_id_invalid for a value, 400 for a type it does not model, 404 for another customer's", async () => {
    const customer = await h.stripe.customers.create({ email: "api@example.com" });
    const other = await h.stripe.customers.create({ email: "api-other@example.com" });
    const fail = (p: Promise<unknown>) => p.then(() => null).catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(await fail(h.stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: "123" }))).toMatchObject({
      statusCode: 400,
      code: "tax_id_invalid",
      param: "value",
    });
    expect(
      await fail(h.stripe.customers.createTaxId(customer.id, { type: "br_cnpj", value: "01.234.456/5432-10" })),
    ).toMatchObject({ statusCode: 400, param: "type" });
    const mine = await h.stripe.customers.createTaxId(customer.id, { type: "ch_vat", value: "CHE-123.456.789 MWST" });
    expect(mine).toMatchObject({ country: "CH", verification: { status: "unavailable" } });
    expect(await fail(h.stripe.customers.retrieveTaxId(other.id, mine.id))).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
    expect(await h.stripe.customers.deleteTaxId(customer.id, mine.id)).toEqual({
      id: mine.id,
      object: "tax_id",
      deleted: true,
    });
  });
});
