// time_to_unlock: in headless Chromium against the production build of the SPA, from submitting
// the hosted checkout form to the premium content visible on the success page. Three variants:
// normal; webhook only (?gh_sync=0: the success page does not ask the API to sync); realtime
// disabled (?gh_realtime=0: polling only). Also the floor: one webhook delivery (record + enqueue)
// plus one Realtime push, each measured on its own, and in every run when the access was committed.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@gatehouse/chromium";
import type { DeliveryAttempt } from "@gatehouse/sandbox";
import type { Database } from "@gatehouse/types";
import { type Browser, chromium, type Page } from "@playwright/test";
import { createClient } from "@supabase/supabase-js";
import { atMost, type ScenarioResult } from "../scenario.ts";
import type { BenchContext } from "../stack-context.ts";
import { deliverySummary, lastAttempts, waitForIdle } from "../stand-in-controls.ts";
import { percentile, round } from "../stats.ts";
import { stripeUsage } from "../stripe-usage.ts";

const PASSWORD = "correct horse battery";
const VARIANTS = [
  { name: "normal", flags: "" },
  { name: "webhook_only", flags: "gh_sync=0" },
  { name: "polling_only", flags: "gh_realtime=0" },
] as const;

async function createUser(ctx: BenchContext, email: string): Promise<string> {
  const res = await fetch(`${ctx.stack.urls.supabase}/auth/v1/admin/users`, {
    method: "POST",
    headers: {
      apikey: ctx.stack.keys.secret,
      authorization: `Bearer ${ctx.stack.keys.secret}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ email, password: PASSWORD, email_confirm: true }),
  });
  const body = (await res.json()) as { id?: string };
  if (!res.ok || !body.id) throw new Error(`admin/users answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/**
 * Signs in with supabase-js in Node and returns what it stored: the same keys and values the SPA's
 * client (same URL, default storage key) reads from localStorage, so the browser starts signed in.
 */
async function sessionStorageItems(ctx: BenchContext, email: string): Promise<Record<string, string>> {
  const items: Record<string, string> = {};
  const client = createClient<Database>(ctx.stack.urls.supabase, ctx.stack.keys.publishable, {
    auth: {
      persistSession: true,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      storage: {
        getItem: (k) => items[k] ?? null,
        setItem: (k, v) => {
          items[k] = v;
        },
        removeItem: (k) => {
          delete items[k];
        },
      },
    },
  });
  const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error) throw new Error(`sign-in: ${error.message}`);
  return items;
}

/**
 * Where one run's time went, in ms since the Pay click, each step read from the success page's own
 * performance entries (Navigation and Resource Timing, the app's performance.mark calls), null when
 * the step did not happen (no sync call in the webhook-only variant, say).
 */
export interface UnlockBreakdown {
  /** The success page's navigation starts (the form POST leaves). */
  navigationStart: number | null;
  /** Its HTML fully received (checkout POST, redirect and document). */
  navigation: number | null;
  /** The entry script (the document's own module script) received, then started running (mark gh:boot). */
  firstScriptLoaded: number | null;
  firstScriptRunning: number | null;
  /** The route's chunk received. */
  routeChunkLoaded: number | null;
  /** POST /api/billing/sync sent and answered (Resource Timing; null if aborted or not sent). */
  syncSent: number | null;
  syncDone: number | null;
  /** GET /rest/v1/entitlements sent and answered (the first: the boot's read of the row). */
  accessSent: number | null;
  accessDone: number | null;
  /** GET /rest/v1/premium_content sent (the last one, which unlocked the page). */
  contentSent: number | null;
  /** supabase-js restored the session (mark gh:session-ready). */
  sessionReady: number | null;
  /** POST /api/billing/sync answered (mark gh:sync-answered). */
  syncAnswered: number | null;
  /** The premium rows answered (mark gh:content-answered). */
  contentAnswered: number | null;
  /** The frame after the lessons were committed (mark gh:content-rendered). */
  painted: number | null;
  /** The frame after the content appeared in the DOM, seen by the bench's own MutationObserver. */
  observed: number | null;
  /** The content visible (a frame-by-frame check in the page, seen from the bench). */
  visible: number;
  /**
   * The user's access first committed in the database (their first public.entitlement_changes row,
   * written by a trigger in the transaction that changed the row), and which path committed it
   * (`webhook:<event type>` through the queue consumer, `checkout_sync` for the success page's sync).
   */
  committed: number | null;
  committedBy: string | null;
}

interface PageTimings {
  timeOrigin: number;
  /** The URL of the document's entry script (<script type=module src>). */
  entryScript: string | null;
  observed: number | null;
  navigation: { responseEnd: number } | null;
  resources: Array<{ name: string; initiatorType: string; startTime: number; responseEnd: number }>;
  marks: Array<{ name: string; startTime: number }>;
}

function breakdownOf(t: PageTimings, clickEpochMs: number, visible: number): UnlockBreakdown {
  const offset = t.timeOrigin - clickEpochMs;
  const at = (v: number | null | undefined) => (v === null || v === undefined ? null : round(offset + v));
  // The page may read again after the paint (a refetch): each step is its last one before the paint.
  const paintedAt = t.marks.find((m) => m.name === "gh:content-rendered")?.startTime ?? Number.POSITIVE_INFINITY;
  const mark = (name: string) => {
    const found = t.marks.filter((m) => m.name === name && m.startTime <= paintedAt);
    return found.length > 0 ? (found[found.length - 1]?.startTime ?? null) : null;
  };
  const scripts = t.resources.filter((r) => r.name.endsWith(".js"));
  // The entry script: not the first script fetched, since the success page's answer preloads its
  // route's chunks (Link: rel=modulepreload) alongside it.
  const entry = scripts.find((r) => r.name === t.entryScript) ?? scripts[0];
  const route = scripts.find((r) => /billing-success/.test(r.name));
  const sync = t.resources.find((r) => r.name.includes("/api/billing/sync"));
  const access = t.resources.find((r) => r.name.includes("/rest/v1/entitlements"));
  // The page's own content read: started once the sync answered (the request to the same URL before
  // it is the read's CORS preflight, warmed ahead: preflight.ts). None when the sync answered the
  // content itself (withContent).
  const content = t.resources
    .filter(
      (r) =>
        r.name.includes("/rest/v1/premium_content") &&
        r.startTime >= (sync?.responseEnd ?? 0) &&
        r.startTime <= paintedAt,
    )
    .at(-1);
  return {
    navigationStart: at(0),
    navigation: at(t.navigation?.responseEnd),
    firstScriptLoaded: at(entry?.responseEnd),
    firstScriptRunning: at(mark("gh:boot")),
    routeChunkLoaded: at(route?.responseEnd),
    syncSent: at(sync?.startTime),
    syncDone: at(sync?.responseEnd),
    accessSent: at(access?.startTime),
    accessDone: at(access?.responseEnd),
    contentSent: at(content?.startTime),
    sessionReady: at(mark("gh:session-ready")),
    syncAnswered: at(mark("gh:sync-answered")),
    contentAnswered: at(mark("gh:content-answered")),
    painted: at(t.marks.find((m) => m.name === "gh:content-rendered")?.startTime),
    observed: at(t.observed),
    visible: round(visible) ?? visible,
    committed: null,
    committedBy: null,
  };
}

/** Waits (bounded) until the queue consumer has processed every event in the ledger. */
async function ledgerProcessed(ctx: BenchContext, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await ctx.db.query<{ n: string }>(
      "select count(*) as n from public.stripe_events where processed_at is null",
    );
    if (Number(rows[0]?.n ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** When (ms since the click) and by which path the user's access was first committed. */
async function firstCommit(
  ctx: BenchContext,
  userId: string,
  clickEpochMs: number,
): Promise<{ at: number | null; cause: string | null }> {
  const { rows } = await ctx.db.query<{ at_ms: string; cause: string }>(
    "select extract(epoch from at) * 1000 as at_ms, cause from public.entitlement_changes where user_id = $1 order by at, id limit 1",
    [userId],
  );
  const row = rows[0];
  return row ? { at: round(Number(row.at_ms) - clickEpochMs), cause: row.cause } : { at: null, cause: null };
}

interface UnlockRun {
  ms: number;
  breakdown: UnlockBreakdown;
}

/** One purchase; returns ms from the Pay click to the premium content visible, and where it went. */
/** A Chromium trace of `page` (timeline, scripts, user timing, loading); stop() returns its events. */
async function startTrace(page: Page): Promise<{ stop(): Promise<unknown[]> }> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  await cdp.send("Tracing.start", {
    categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing,loading",
    transferMode: "ReportEvents",
  });
  return {
    async stop() {
      const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
      await cdp.send("Tracing.end");
      await complete;
      await cdp.detach();
      return events;
    },
  };
}

async function unlockOnce(
  ctx: BenchContext,
  browser: Browser,
  user: { email: string; id: string },
  flags: string,
): Promise<UnlockRun> {
  const { email } = user;
  const web = ctx.stack.urls.web;
  const context = await browser.newContext();
  try {
    const items = await sessionStorageItems(ctx, email);
    await context.addInitScript(
      ({ origin, entries }) => {
        if (location.origin !== origin) return;
        for (const [k, v] of entries) if (localStorage.getItem(k) === null) localStorage.setItem(k, v);
      },
      { origin: new URL(web).origin, entries: Object.entries(items) },
    );
    // The bench's own witness, independent of the app's marks: the frame after the premium content
    // enters the DOM, in the page's clock.
    await context.addInitScript(() => {
      const w = window as unknown as { __ghObserved?: number };
      const seen = () => {
        if (w.__ghObserved !== undefined || !document.querySelector("[data-testid=premium-content]")) return false;
        requestAnimationFrame(() => {
          w.__ghObserved ??= performance.now();
        });
        return true;
      };
      new MutationObserver((_m, observer) => {
        if (seen()) observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    const page: Page = await context.newPage();
    page.setDefaultTimeout(30_000);
    if (flags) {
      // The API's success_url carries no flag, and Playwright does not route redirect hops: answer
      // the hosted checkout's form POST ourselves and add the flag to its redirect.
      await page.route(
        (url) => url.pathname.startsWith("/checkout/cs_"),
        async (route) => {
          if (route.request().method() !== "POST") return route.continue();
          const answer = await route.fetch({ maxRedirects: 0 });
          const location = answer.headers().location;
          if (!location?.includes("/billing/success")) return route.fulfill({ response: answer });
          const sep = location.includes("?") ? "&" : "?";
          return route.fulfill({
            response: answer,
            headers: { ...answer.headers(), location: `${location}${sep}${flags}` },
          });
        },
      );
    }
    await page.goto(`${web}/#pricing`);
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.getByRole("radio", { name: "Monthly" }).check({ force: true });
    await page
      .getByRole("button", { name: /^Subscribe to/ })
      .first()
      .click();
    await page.waitForURL(/\/checkout\/cs_/);
    await page.locator("#cardNumber").fill("4242 4242 4242 4242");
    await page.locator("#cardExpiry").fill("12 / 34");
    await page.locator("#cardCvc").fill("123");
    // --unlock-traces: the main thread's tasks, the requests and the app's marks, from the click.
    const trace = ctx.unlockTraces ? await startTrace(page) : null;
    const t0 = performance.now();
    const clickEpochMs = performance.timeOrigin + t0;
    await page.locator("#submit").click();
    // Visible as Playwright means it (a box, not visibility:hidden), checked in the page at every
    // frame: Playwright's own waitFor polls at 0, 20, 50, 100, 100 ms and then every 500 ms, which
    // added up to half a second after the paint to the figure.
    await page.waitForURL(/\/billing\/success/, { waitUntil: "commit" });
    await page.waitForFunction(
      () => {
        const el = document.querySelector("[data-testid=premium-content]");
        if (!el) return false;
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
      },
      undefined,
      { polling: "raf" },
    );
    const ms = performance.now() - t0;
    if (trace && ctx.unlockTraces) {
      mkdirSync(ctx.unlockTraces, { recursive: true });
      const file = join(ctx.unlockTraces, `unlock-${flags || "normal"}-${Math.round(ms)}ms-${Date.now()}.json`);
      writeFileSync(file, JSON.stringify({ clickEpochMs, traceEvents: await trace.stop() }));
    }
    await page.getByTestId("premium-content").first().waitFor({ state: "visible" });
    if (flags && !page.url().includes(flags)) throw new Error(`success page opened without ${flags}: ${page.url()}`);
    const timings = await page.evaluate((): PageTimings => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      return {
        timeOrigin: performance.timeOrigin,
        entryScript: (document.querySelector("script[type=module][src]") as HTMLScriptElement | null)?.src ?? null,
        observed: (window as unknown as { __ghObserved?: number }).__ghObserved ?? null,
        navigation: nav ? { responseEnd: nav.responseEnd } : null,
        resources: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((r) => ({
          name: r.name,
          initiatorType: r.initiatorType,
          startTime: r.startTime,
          responseEnd: r.responseEnd,
        })),
        marks: performance.getEntriesByType("mark").map((m) => ({ name: m.name, startTime: m.startTime })),
      };
    });
    const commit = await firstCommit(ctx, user.id, clickEpochMs);
    return {
      ms,
      breakdown: { ...breakdownOf(timings, clickEpochMs, ms), committed: commit.at, committedBy: commit.cause },
    };
  } finally {
    await context.close();
  }
}

/** Commit on the entitlements row → Realtime event in a signed-in supabase-js client, n times. */
async function realtimePush(ctx: BenchContext, email: string, userId: string, n: number): Promise<number[]> {
  const client = createClient<Database>(ctx.stack.urls.supabase, ctx.stack.keys.publishable, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error) throw new Error(`sign-in for the realtime probe: ${error.message}`);
  let onChange: (() => void) | null = null;
  const channel = client.channel(`bench-${userId}`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("realtime subscribe timed out")), 15_000);
    channel
      .on(
        "postgres_changes",
        { event: "*", schema: "public", table: "entitlements", filter: `user_id=eq.${userId}` },
        () => onChange?.(),
      )
      .subscribe((status) => {
        if (status === "SUBSCRIBED") {
          clearTimeout(timer);
          resolve();
        }
      });
  });
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const got = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no realtime event within 10 s")), 10_000);
        onChange = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      await ctx.db.query("update public.entitlements set updated_at = now() where user_id = $1", [userId]);
      const t0 = performance.now();
      await got;
      samples.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await client.removeAllChannels();
    await client.auth.signOut().catch(() => undefined);
  }
  return samples;
}

/** The run whose total is the median (the lower middle one for an even count). */
function medianRun(runs: UnlockRun[]): UnlockRun | null {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

/** The normal variant's median run as flat figures (normalMedian…Ms). */
function breakdownFigures(b: UnlockBreakdown | null): Record<string, number | null> {
  const keys: Array<Exclude<keyof UnlockBreakdown, "committedBy">> = [
    "navigationStart",
    "navigation",
    "firstScriptLoaded",
    "firstScriptRunning",
    "routeChunkLoaded",
    "sessionReady",
    "syncAnswered",
    "syncSent",
    "syncDone",
    "accessSent",
    "accessDone",
    "contentSent",
    "contentAnswered",
    "painted",
    "observed",
    "visible",
    "committed",
  ];
  return Object.fromEntries(
    keys.map((k) => [`normalMedian${k.charAt(0).toUpperCase()}${k.slice(1)}Ms`, b ? b[k] : null]),
  );
}

function describeBreakdown(b: UnlockBreakdown): string {
  const steps: Array<[string, number | null]> = [
    ["navigation start", b.navigationStart],
    ["HTML", b.navigation],
    ["first script loaded", b.firstScriptLoaded],
    ["running", b.firstScriptRunning],
    ["route chunk", b.routeChunkLoaded],
    ["sync sent", b.syncSent],
    ["sync done", b.syncDone],
    ["row read sent", b.accessSent],
    ["row read done", b.accessDone],
    ["content sent", b.contentSent],
    ["session ready", b.sessionReady],
    ["sync answered", b.syncAnswered],
    ["content answered", b.contentAnswered],
    ["painted", b.painted],
    ["observed", b.observed],
    ["visible", b.visible],
  ];
  const commit = b.committed === null ? "" : ` (access committed ${b.committed} by ${b.committedBy})`;
  return `${steps
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${v}`)
    .join(" → ")}${commit}`;
}

export async function timeToUnlock(ctx: BenchContext): Promise<ScenarioResult> {
  const started = performance.now();
  const problems: string[] = [];
  const runs = ctx.sizes.unlockRuns;
  const stripeUrl = ctx.stack.urls.stripeDirect;
  await waitForIdle(stripeUrl, 60_000);
  const before = await deliverySummary(stripeUrl);
  const tag = Date.now().toString(36);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const samples: Record<string, number[]> = {};
  const breakdowns: Record<string, UnlockRun[]> = {};
  const stripePerRun: Record<string, number | null> = {};
  const users: Array<{ email: string; id: string }> = [];
  try {
    for (const v of VARIANTS) {
      samples[v.name] = [];
      breakdowns[v.name] = [];
      const usageBefore = await stripeUsage(stripeUrl);
      for (let i = 0; i < runs; i++) {
        const email = `unlock-${tag}-${v.name}-${i}@bench.test`;
        const id = await createUser(ctx, email);
        users.push({ email, id });
        try {
          const run = await unlockOnce(ctx, browser, { email, id }, v.flags);
          samples[v.name]?.push(run.ms);
          breakdowns[v.name]?.push(run);
        } catch (e) {
          problems.push(`${v.name} run ${i}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
        }
      }
      // Every Stripe request the API made for these runs (Checkout, the sync, the queue consumer's
      // syncs): what the batch timeout and the success page's sync cost per purchase.
      await waitForIdle(stripeUrl, 30_000);
      await ledgerProcessed(ctx, 30_000);
      stripePerRun[v.name] = round(((await stripeUsage(stripeUrl)).requests - usageBefore.requests) / runs);
      ctx.log(`time_to_unlock: ${v.name} p50 ${round(percentile(samples[v.name] ?? [], 50))} ms`);
      const median = medianRun(breakdowns[v.name] ?? []);
      if (median) ctx.log(`time_to_unlock: ${v.name} median run: ${describeBreakdown(median.breakdown)}`);
    }
  } finally {
    await browser.close();
  }
  await waitForIdle(stripeUrl, 30_000);
  const after = await deliverySummary(stripeUrl);
  const attempts: DeliveryAttempt[] = await lastAttempts(stripeUrl, after.attempts - before.attempts);
  const syncLatency = attempts
    .filter((a) => a.ok && (a.type === "checkout.session.completed" || a.type === "customer.subscription.created"))
    .map((a) => a.latency_ms);
  const probe = users[0];
  let push: number[] = [];
  if (probe) {
    try {
      push = await realtimePush(ctx, probe.email, probe.id, Math.max(5, runs));
    } catch (e) {
      problems.push(`realtime probe: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const deliveryP50 = percentile(syncLatency, 50);
  const pushP50 = percentile(push, 50);
  const floor = deliveryP50 !== null && pushP50 !== null ? deliveryP50 + pushP50 : null;
  const p = (name: string, q: number) => round(percentile(samples[name] ?? [], q));
  // POST /api/billing/sync, sent → answered, in the normal runs where it completed (the API's own time
  // plus one browser round trip).
  const syncRoundTrip = (q: number) =>
    round(
      percentile(
        (breakdowns.normal ?? []).flatMap((r) =>
          r.breakdown.syncSent !== null && r.breakdown.syncDone !== null
            ? [r.breakdown.syncDone - r.breakdown.syncSent]
            : [],
        ),
        q,
      ),
    );
  // The sync's answer → the premium rows answered, in the normal runs the sync unlocked.
  const syncToContent = (q: number) =>
    round(
      percentile(
        (breakdowns.normal ?? []).flatMap((r) =>
          r.breakdown.syncAnswered !== null &&
          r.breakdown.contentAnswered !== null &&
          r.breakdown.contentAnswered > r.breakdown.syncAnswered
            ? [r.breakdown.contentAnswered - r.breakdown.syncAnswered]
            : [],
        ),
        q,
      ),
    );
  const seen = (name: string, q: number) =>
    round(
      percentile(
        (breakdowns[name] ?? []).flatMap((r) => (r.breakdown.observed === null ? [] : [r.breakdown.observed])),
        q,
      ),
    );
  // The access committed (ms since the click), and in how many normal runs the sync committed it.
  const committed = (name: string, q: number) =>
    round(
      percentile(
        (breakdowns[name] ?? []).flatMap((r) => (r.breakdown.committed === null ? [] : [r.breakdown.committed])),
        q,
      ),
    );
  const failedRuns = VARIANTS.reduce((n, v) => n + (runs - (samples[v.name]?.length ?? 0)), 0);
  return {
    name: "time_to_unlock",
    parameters: {
      runsPerVariant: runs,
      browser: "Debian Chromium, headless, one fresh context per run",
      build: "vite build --mode sandbox served by wrangler dev (static assets with _headers)",
      from: "click on the hosted checkout's Pay button",
      to: "[data-testid=premium-content] visible on /billing/success",
    },
    figures: {
      normalP50Ms: p("normal", 50),
      normalP95Ms: p("normal", 95),
      webhookOnlyP50Ms: p("webhook_only", 50),
      webhookOnlyP95Ms: p("webhook_only", 95),
      pollingOnlyP50Ms: p("polling_only", 50),
      pollingOnlyP95Ms: p("polling_only", 95),
      normalPaintedInPageP50Ms: seen("normal", 50),
      normalSyncRoundTripP50Ms: syncRoundTrip(50),
      normalSyncToContentP50Ms: syncToContent(50),
      normalPaintedInPageP95Ms: seen("normal", 95),
      webhookOnlyPaintedInPageP50Ms: seen("webhook_only", 50),
      pollingOnlyPaintedInPageP50Ms: seen("polling_only", 50),
      normalCommittedP50Ms: committed("normal", 50),
      webhookOnlyCommittedP50Ms: committed("webhook_only", 50),
      pollingOnlyCommittedP50Ms: committed("polling_only", 50),
      normalStripeRequestsPerRun: stripePerRun.normal ?? null,
      webhookOnlyStripeRequestsPerRun: stripePerRun.webhook_only ?? null,
      pollingOnlyStripeRequestsPerRun: stripePerRun.polling_only ?? null,
      normalCommittedBySyncRuns: (breakdowns.normal ?? []).filter((r) => r.breakdown.committedBy === "checkout_sync")
        .length,
      // Runs whose content came with the sync's answer (no read of the page's own before the paint).
      normalContentInSyncRuns: (breakdowns.normal ?? []).filter(
        (r) => r.breakdown.syncDone !== null && r.breakdown.contentSent === null,
      ).length,
      floorMs: round(floor),
      floorWebhookDeliveryP50Ms: round(deliveryP50),
      floorRealtimePushP50Ms: round(pushP50),
      failedRuns,
      ...breakdownFigures(medianRun(breakdowns.normal ?? [])?.breakdown ?? null),
    },
    targets: [
      atMost("normalP50Ms", p("normal", 50), 500, " ms"),
      atMost("normalP95Ms", p("normal", 95), 700, " ms"),
      atMost("webhookOnlyP50Ms", p("webhook_only", 50), 1000, " ms"),
      atMost("pollingOnlyP50Ms", p("polling_only", 50), 1200, " ms"),
    ],
    ok: problems.length === 0,
    problems,
    notes: [
      "Breakdown (per variant, the median run): ms since the Pay click at which each step ended, from the " +
        "success page's Navigation/Resource Timing entries and its performance.mark calls (gh:boot, " +
        "gh:session-ready, gh:sync-answered, gh:content-answered, gh:content-rendered).",
      ...VARIANTS.map((v) => {
        const m = medianRun(breakdowns[v.name] ?? []);
        return `${v.name} median run: ${m ? describeBreakdown(m.breakdown) : "no run"}`;
      }),
      "Committed = the user's first public.entitlement_changes row (the access written, by the success page's " +
        "sync or by the queue consumer after the checkout's webhooks), ms since the click; the webhook-only " +
        "variant cannot unlock before it.",
      "Floor = p50 latency of the checkout's webhooks (delivery, signature check, record in the ledger and " +
        "enqueue, from the stand-in's log; the sync and its commit come after, in the queue consumer: see " +
        "Committed) + p50 of a Realtime push (commit on public.entitlements → event in a signed-in supabase-js " +
        "client).",
    ],
    durationMs: Math.round(performance.now() - started),
  };
}
