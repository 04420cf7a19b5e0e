import { afterEach, describe, expect, test, vi } from "vitest";
import worker from "./index.ts";
import { EMAIL_CRON } from "./services/send-emails.ts";
import { testBindings } from "./testing/fake-services.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("scheduled reconciliation", () => {
  test("a run that fails (Stripe unreachable) is logged, and the promise given to waitUntil settles", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const pending: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => pending.push(p),
      passThroughOnException: () => undefined,
      props: {},
    } as unknown as ExecutionContext;
    const controller = { cron: "*/15 * * * *", scheduledTime: Date.now(), noRetry: () => undefined };
    // Nothing listens behind testBindings' URLs: every upstream call fails.
    await worker.scheduled(controller, { ...testBindings } as unknown as Env, ctx);
    expect(pending).toHaveLength(1);
    await expect(pending[0]).resolves.toBeUndefined();
    const logged = errors.mock.calls.map((args) => String(args[0])).find((line) => line.includes('"job":"reconcile"'));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged ?? "{}")).toMatchObject({ job: "reconcile", error: expect.any(String) });
  });
});

describe("the email cron", () => {
  test("every minute it sends emails only, and a failed run is logged and settles", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const pending: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => pending.push(p),
      passThroughOnException: () => undefined,
      props: {},
    } as unknown as ExecutionContext;
    const controller = { cron: EMAIL_CRON, scheduledTime: Date.now(), noRetry: () => undefined };
    const bindings = {
      ...testBindings,
      RESEND_API_KEY: "re_SANDBOX_ONLY_not_a_real_key_0000000000",
      EMAIL_FROM: "Gatehouse <billing@gatehouse.test>",
    };
    await worker.scheduled(controller, bindings as unknown as Env, ctx);
    expect(pending).toHaveLength(1);
    await expect(pending[0]).resolves.toBeUndefined();
    const logged = errors.mock.calls.map((args) => String(args[0])).find((line) => line.includes('"job":"emails"'));
    expect(JSON.parse(logged ?? "{}")).toMatchObject({ job: "emails", error: expect.any(String) });
    expect(errors.mock.calls.some((args) => String(args[0]).includes('"job":"reconcile"'))).toBe(false);
  });
});
