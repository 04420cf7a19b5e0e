import { describe, expect, test } from "vitest";
import { backoffSeconds, classifyResendAnswer, type ResendAnswer } from "./resend-outcome.ts";

const answer = (status: number | null, name = "", retryAfter: string | null = null, id?: string): ResendAnswer => ({
  status,
  body: id ? { id } : { name, message: "m" },
  retryAfter,
});

describe("classifyResendAnswer", () => {
  test.each<[string, ResendAnswer, number, Record<string, unknown>]>([
    ["200: sent with Resend's id", answer(200, "", null, "abc"), 1, { outcome: "sent", providerId: "abc" }],
    ["409 other body: already sent under that key", answer(409, "invalid_idempotent_request"), 2, { outcome: "sent" }],
    [
      "409 in progress: soon again",
      answer(409, "concurrent_idempotent_requests"),
      1,
      { outcome: "retry", retryAfterSeconds: 5, stopBatch: false },
    ],
    [
      "429: after retry-after, run stopped",
      answer(429, "rate_limit_exceeded", "3"),
      1,
      { outcome: "release", retryAfterSeconds: 3, stopBatch: true },
    ],
    [
      "429 without retry-after: 1 s",
      answer(429, "rate_limit_exceeded"),
      1,
      { outcome: "release", retryAfterSeconds: 1, stopBatch: true },
    ],
    [
      "401 missing key: slowly, run stopped",
      answer(401, "missing_api_key"),
      1,
      { outcome: "retry", retryAfterSeconds: 600, stopBatch: true },
    ],
    [
      "403 invalid key: slowly, run stopped",
      answer(403, "invalid_api_key"),
      1,
      { outcome: "retry", retryAfterSeconds: 600, stopBatch: true },
    ],
    ["422 refused address: failed for good", answer(422, "validation_error"), 1, { outcome: "failed" }],
    ["400 bad idempotency key: failed for good", answer(400, "invalid_idempotency_key"), 1, { outcome: "failed" }],
    [
      "500: backoff",
      answer(500, "application_error"),
      2,
      { outcome: "retry", retryAfterSeconds: 90, stopBatch: false },
    ],
    [
      "no answer: backoff",
      answer(null, "network_error"),
      1,
      { outcome: "retry", retryAfterSeconds: 30, stopBatch: false },
    ],
  ])("%s", (_name, a, attempt, expected) => {
    expect(classifyResendAnswer(a, attempt)).toMatchObject(expected);
  });

  test("errors name the status, Resend's error name and message", () => {
    expect(classifyResendAnswer(answer(422, "validation_error"), 1)).toEqual({
      outcome: "failed",
      error: "Resend 422 validation_error: m",
    });
  });
});

describe("backoffSeconds", () => {
  test.each([
    [1, 30],
    [2, 90],
    [3, 270],
    [5, 2430],
    [8, 21_600],
  ])("attempt %d → %d s", (attempt, seconds) => {
    expect(backoffSeconds(attempt)).toBe(seconds);
  });
});
