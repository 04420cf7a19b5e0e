// The fast, deterministic parts of the chaos suite at small size: forged webhooks, bad input on
// every route, the rate limits, the list of access attacks, the webhook queue under Stripe's rate limits with the
// database down and poison messages, hostile delivery of tier, plan-change and Lifetime purchase lifecycles. The whole suite with its figures is `npm run chaos`.
import { type Stack, startStack } from "@gatehouse/stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAccessAttacks } from "./access-attacks.ts";
import { runBadInput } from "./bad-input.ts";
import { type ChaosContext, createContext } from "./context.ts";
import { runEmailFaults } from "./email-faults.ts";
import type { PartResult } from "./figures.ts";
import { runHostileDelivery } from "./hostile-delivery.ts";
import { runQueueFaults } from "./queue-faults.ts";
import { runRateLimits } from "./rate-limits.ts";
import { runSignatureFuzz } from "./signature-fuzz.ts";

let stack: Stack;
let ctx: ChaosContext;

beforeAll(async () => {
  stack = await startStack();
  ctx = createContext(stack, true, process.env.CHAOS_LOG ? (line) => console.log(line) : () => undefined);
});

afterAll(async () => {
  await ctx?.db.end();
  await stack?.stop();
});

/** The "must be 0" figures that are not 0, with the part's notes to say why. */
function broken(result: PartResult) {
  return {
    figures: result.figures.filter((f) => f.mustBeZero && f.value !== 0).map((f) => `${f.name}=${f.value}`),
    notes: result.notes.filter((n) => !n.startsWith("attacks tried")).slice(0, 10),
  };
}

describe("chaos (fast parts)", () => {
  test("accepts no forged webhook and answers no 5xx to 300 fuzzed requests", async () => {
    const result = await runSignatureFuzz(ctx, { count: 300, concurrency: 8 });
    expect(broken(result)).toEqual({ figures: [], notes: [] });
  });

  test("answers every malformed request on every route with a 4xx in the error shape", async () => {
    const result = await runBadInput(ctx);
    expect(broken(result)).toEqual({ figures: [], notes: [] });
  });

  test("loses no event and leaves no user wrong: queue under Stripe's limits, database down, poison messages", async () => {
    const result = await runQueueFaults(ctx);
    expect(result.figures.find((f) => f.name === "chaos_queue_events")?.value).toBeGreaterThan(20);
    // Its notes are figures (Stripe requests, 429s), not failures: the must-be-0 figures say it.
    expect({ figures: broken(result).figures, notes: result.notes.filter((n) => n.includes("still wrong")) }).toEqual({
      figures: [],
      notes: [],
    });
  }, 180_000);

  test("cuts a user's burst and an address's failed sign-ins at their rate limits, with no 5xx", async () => {
    const result = await runRateLimits(ctx);
    expect(result.figures.find((f) => f.name === "chaos_rate_limit_user_limited")?.value).toBeGreaterThan(0);
    expect(result.figures.find((f) => f.name === "chaos_rate_limit_ip_limited")?.value).toBeGreaterThan(0);
    // Its notes are the counts, not failures: the must-be-0 figures say it.
    expect(broken(result).figures).toEqual([]);
  }, 120_000);

  test("leaves no user wrong (access, features, source, trial, scheduled change) when Basic/Pro lifecycles with trials, upgrades and scheduled downgrades, and Lifetime purchases refunded and disputed, are delivered duplicated, reordered and failed first", async () => {
    const result = await runHostileDelivery(ctx, { replayed: 16, standIn: 4, purchases: true });
    expect(result.figures.find((f) => f.name === "chaos_hostile_events")?.value).toBeGreaterThan(30);
    expect(broken(result)).toEqual({ figures: [], notes: [] });
  }, 300_000);

  test("lets no access attack through REST, Realtime, Auth or the API", async () => {
    const result = await runAccessAttacks(ctx);
    expect(result.figures.find((f) => f.name === "chaos_access_attempts")?.value).toBeGreaterThan(50);
    expect(broken(result)).toEqual({ figures: [], notes: [] });
  });

  test("lifecycle emails with the provider failing half the time: none lost, none sent twice", async () => {
    const result = await runEmailFaults(ctx);
    expect(broken(result).figures, result.notes.join("\n")).toEqual([]);
    expect(result.figures.find((f) => f.name === "chaos_email_faults_provider_failures")?.value).toBeGreaterThan(0);
  }, 180_000);
});
