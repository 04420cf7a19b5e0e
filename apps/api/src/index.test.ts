import { afterEach, describe, expect, test, vi } from "vitest";
import worker from "./index.ts";
import { EMAIL_CRON } from "./services/send-emails.ts";
import { executionContext } from "./testing/execution-context.ts";
import { testBindings } from "./testing/fake-services.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Runs the worker's scheduled handler for `cron` and checks it hands waitUntil one promise that
 * settles; returns the lines it logged as errors.
 */
async function runCron(cron: string, bindings: object): Promise<string[]> {
  const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const { ctx, pending } = executionContext();
  await worker.scheduled(
    { cron, scheduledTime: Date.now(), noRetry: () => undefined },
    bindings as unknown as Env,
    ctx,
  );
  expect(pending).toHaveLength(1);
  await expect(pending[0]).resolves.toBeUndefined();
  return errors.mock.calls.map((args) => String(args[0]));
}

describe("scheduled reconciliation", () => {
  test("a run that fails (Stripe unreachable) is logged, and the promise given to waitUntil settles", async () => {
    // Nothing listens behind testBindings' URLs: every upstream call fails.
    const lines = await runCron("*/15 * * * *", { ...testBindings });
    const logged = lines.find((line) => line.includes('"job":"reconcile"'));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged ?? "{}")).toMatchObject({ job: "reconcile", error: expect.any(String) });
  });
});

describe("the email cron", () => {
  test("every minute it sends emails only, and a failed run is logged and settles", async () => {
    const lines = await runCron(EMAIL_CRON, {
      ...testBindings,
      RESEND_API_KEY: "re_SANDBOX_ONLY_not_a_real_key_0000000000",
      EMAIL_FROM: "Gatehouse <billing@gatehouse.test>",
    });
    const logged = lines.find((line) => line.includes('"job":"emails"'));
    expect(JSON.parse(logged ?? "{}")).toMatchObject({ job: "emails", error: expect.any(String) });
    expect(lines.some((line) => line.includes('"job":"reconcile"'))).toBe(false);
  });
});
