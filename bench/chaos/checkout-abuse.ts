// Part 5: checkout abuse. Unauthenticated, malformed, unknown/inactive/foreign prices, 50
// concurrent checkouts for one user (one plan, then two plans at once, fresh or over an open
// session with arrivals spread, every session paid),
// already-subscribed users, other users' session ids on /api/billing/sync.
import { api, type ChaosContext, createUser, pay, sleep, subscribe } from "./context.ts";
import { figure, type PartResult, partResult } from "./figures.ts";

async function customersOf(ctx: ChaosContext, userId: string): Promise<number> {
  const { rows } = await ctx.db.query<{ n: string }>(
    "select count(*) as n from stripe_sandbox.objects where kind = 'customer' and position($1 in data) > 0",
    [userId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The user's Stripe customer, and how many of its Checkout Sessions Stripe has open now. */
async function openSessionsOf(ctx: ChaosContext, userId: string): Promise<{ customer: string; open: number }> {
  const { rows } = await ctx.db.query<{ stripe_customer_id: string }>(
    "select stripe_customer_id from public.customers where user_id = $1",
    [userId],
  );
  const customer = rows[0]?.stripe_customer_id ?? "";
  if (!customer) return { customer, open: 0 };
  const open = (await ctx.stripe.checkout.sessions.list({ customer, status: "open", limit: 100 })).data.length;
  return { customer, open };
}

export async function runCheckoutAbuse(ctx: ChaosContext): Promise<PartResult> {
  const started = performance.now();
  const notes: string[] = [];
  let unexpected = 0;
  const expectStatus = async (name: string, res: Response, want: number[], code?: string) => {
    const text = await res.text();
    let gotCode = "";
    try {
      gotCode = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? "";
    } catch {
      // not JSON
    }
    if (!want.includes(res.status) || (code && gotCode !== code)) {
      unexpected++;
      notes.push(`${name}: got ${res.status} ${text.slice(0, 160)} (want ${want.join("/")}${code ? ` ${code}` : ""})`);
    }
  };
  /** The distinct session ids of the 200 answers; any other answer is counted as unexpected. */
  const sessionIdsOf = async (answers: Response[], name: string) => {
    const ids = new Set<string>();
    for (const res of answers) {
      if (res.status === 200) ids.add(((await res.json()) as { id: string }).id);
      else await expectStatus(name, res, [200]);
    }
    return ids;
  };

  // Prices that must be refused: unknown, inactive, of a product that grants nothing, one-time.
  const { stripe } = ctx;
  const entitled = await stripe.products.create({ name: "Chaos entitled", metadata: { entitlement: "pro" } });
  const inactive = await stripe.prices.create({
    product: entitled.id,
    currency: "usd",
    unit_amount: 900,
    recurring: { interval: "month" },
  });
  await stripe.prices.update(inactive.id, { active: false });
  const oneTime = await stripe.prices.create({ product: entitled.id, currency: "usd", unit_amount: 900 });
  const foreignProduct = await stripe.products.create({ name: "Chaos foreign (no entitlement)" });
  const foreign = await stripe.prices.create({
    product: foreignProduct.id,
    currency: "usd",
    unit_amount: 100,
    recurring: { interval: "month" },
  });
  await sleep(1_500); // let the catalog webhooks land

  const user = await createUser(ctx, "abuse");
  const post = (body: unknown, token: string | null = user.token, raw?: string) =>
    api(ctx, "/api/checkout", {
      method: "POST",
      ...(token ? { token } : {}),
      ...(raw !== undefined ? { body: raw, headers: { "content-type": "application/json" } } : { json: body }),
    });
  await expectStatus(
    "unauthenticated",
    await post({ priceId: ctx.stack.prices.monthly }, null),
    [401],
    "unauthenticated",
  );
  await expectStatus("malformed", await post(null, user.token, '{"priceId":'), [400], "invalid_json");
  await expectStatus("missing priceId", await post({}), [400], "invalid_body");
  await expectStatus("unknown price", await post({ priceId: "price_does_not_exist" }), [400], "invalid_price");
  await expectStatus("inactive price", await post({ priceId: inactive.id }), [400], "invalid_price");
  await expectStatus("one-time price", await post({ priceId: oneTime.id }), [400], "invalid_price");
  await expectStatus(
    "foreign price (product grants nothing)",
    await post({ priceId: foreign.id }),
    [400],
    "invalid_price",
  );
  await expectStatus("price id injection", await post({ priceId: "price_1' or '1'='1" }), [400], "invalid_price");

  // 50 concurrent checkouts of one plan for one new user.
  const n = ctx.smoke ? 20 : 50;
  const racer = await createUser(ctx, "racer");
  const answers = await Promise.all(
    Array.from({ length: n }, () => post({ priceId: ctx.stack.prices.monthly }, racer.token)),
  );
  const ids = await sessionIdsOf(answers, "concurrent checkout");
  const { open: openAfterOnePlan } = await openSessionsOf(ctx, racer.id);
  let dupCustomers = Math.max(0, (await customersOf(ctx, racer.id)) - 1);
  let dupOpen = Math.max(0, openAfterOnePlan - 1);
  notes.push(`one plan × ${n}: ${ids.size} distinct session id(s), ${openAfterOnePlan} open`);

  // Two plans at once (two tabs), then every session id returned is paid. Repeated with fresh
  // users: the race goes either way (two payable sessions, or every session expired).
  const rounds = ctx.smoke ? 3 : 5;
  let dupActive = 0;
  let deadEnds = 0;
  for (let round = 0; round < rounds; round++) {
    const tabs = await createUser(ctx, "tabs");
    // Every other round, the user already has an open session (one tab opened earlier) and the
    // other tabs arrive spread over 300 ms: the case where each request must replace the session
    // recorded before it, so the one payable session changes hands many times.
    const withOpen = round % 2 === 1;
    if (withOpen) await expectStatus("first tab", await post({ priceId: ctx.stack.prices.monthly }, tabs.token), [200]);
    const mixed = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        if (withOpen) await sleep(Math.floor(Math.random() * 300));
        return post({ priceId: i % 2 ? ctx.stack.prices.yearly : ctx.stack.prices.monthly }, tabs.token);
      }),
    );
    const tabIds = await sessionIdsOf(mixed, "concurrent two-plan checkout");
    const { customer: tabsCustomer, open: openTabs } = await openSessionsOf(ctx, tabs.id);
    dupOpen += Math.max(0, openTabs - 1);
    if (openTabs === 0) deadEnds++;
    dupCustomers += Math.max(0, (await customersOf(ctx, tabs.id)) - 1);
    let paidOk = 0;
    for (const id of tabIds) if ((await pay(ctx, id)).ok) paidOk++;
    notes.push(
      `two plans × ${n}${withOpen ? " over an open session, spread" : ""}, round ${round + 1}: ${tabIds.size} distinct session id(s), ${openTabs} open, ${paidOk} paid`,
    );
    if (tabsCustomer) {
      const subs = await stripe.subscriptions.list({ customer: tabsCustomer, status: "all", limit: 100 });
      const live = subs.data.filter((s) => ["active", "trialing", "past_due"].includes(s.status)).length;
      dupActive += Math.max(0, live - 1);
    }
  }

  // Already subscribed: a paid user asks again (both plans), concurrently.
  const paid = await subscribe(ctx, ctx.stack.prices.monthly, "paid");
  for (let i = 0; i < 100; i++) {
    const { rows } = await ctx.db.query("select active from public.entitlements where user_id = $1", [paid.user.id]);
    if (rows[0]?.active) break;
    await sleep(200);
  }
  const again = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      post({ priceId: i % 2 ? ctx.stack.prices.yearly : ctx.stack.prices.monthly }, paid.user.token),
    ),
  );
  for (const res of again) await expectStatus("already subscribed", res, [409], "already_subscribed");
  const paidSubs = await stripe.subscriptions.list({ customer: paid.customer, status: "all", limit: 100 });
  dupActive += Math.max(
    0,
    paidSubs.data.filter((s) => ["active", "trialing", "past_due"].includes(s.status)).length - 1,
  );

  // Session ids of other users on /api/billing/sync.
  const sync = (token: string, sessionId: string) =>
    api(ctx, "/api/billing/sync", { method: "POST", token, json: { sessionId } });
  await expectStatus(
    "sync with another user's paid session",
    await sync(user.token, paid.sessionId),
    [403],
    "session_not_yours",
  );
  const [first] = ids;
  if (first)
    await expectStatus(
      "sync with another user's open session",
      await sync(user.token, first),
      [403],
      "session_not_yours",
    );
  await expectStatus(
    "sync with an unknown session",
    await sync(user.token, "cs_test_does_not_exist"),
    [404],
    "session_not_found",
  );
  // The attacker must not have gained anything, and the victim's binding must be intact.
  const { rows: stolen } = await ctx.db.query(
    "select 1 from public.customers where user_id = $1 and stripe_customer_id = $2",
    [user.id, paid.customer],
  );
  const { rows: attackerEnt } = await ctx.db.query("select active from public.entitlements where user_id = $1", [
    user.id,
  ]);
  const stolenAccess = stolen.length + (attackerEnt[0]?.active ? 1 : 0);

  return partResult("checkout-abuse", started, notes, [
    figure("checkout_duplicate_customers", dupCustomers, "customers", { mustBeZero: true }),
    figure("checkout_duplicate_open_sessions", dupOpen, "sessions", { mustBeZero: true }),
    figure("checkout_duplicate_active_subscriptions", dupActive, "subscriptions", { mustBeZero: true }),
    figure("checkout_unexpected_answers", unexpected, "requests", { mustBeZero: true }),
    figure("checkout_race_rounds", rounds, "rounds", { detail: `two plans × ${n} concurrent requests per round` }),
    figure("checkout_race_no_payable_session", deadEnds, "rounds", {
      mustBeZero: true,
      detail: "rounds where every session handed out had been expired by a concurrent request",
    }),
    figure("checkout_access_gained_by_foreign_session", stolenAccess, "rows", { mustBeZero: true }),
  ]);
}
