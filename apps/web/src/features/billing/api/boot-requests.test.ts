import { describe, expect, it } from "vitest";
import type { Lesson } from "@/features/library/api/get-premium-content.ts";
import { answeredContent, saysActive, syncBodyOf } from "./boot-requests.ts";

const LESSON: Lesson = { slug: "one", title: "One", summary: "S", body: "B", feature: "library.basic", position: 1 };
const answer = (body: unknown, status = 200) =>
  Promise.resolve(new Response(typeof body === "string" ? body : JSON.stringify(body), { status }));

describe("what the boot reads of the sync's raw answer", () => {
  it("takes the content the API answered with, and leaves the answer unread for the API client", async () => {
    const sent = answer({ entitlement: { active: true }, content: [LESSON] });
    const body = syncBodyOf(sent);
    await expect(saysActive(body)).resolves.toBe(true);
    await expect(answeredContent(body)).resolves.toEqual([LESSON]);
    await expect((await sent).json()).resolves.toMatchObject({ content: [LESSON] });
  });

  it.each([
    [
      "an answer without content (API without the publishable key)",
      () => answer({ entitlement: { active: true } }),
      true,
    ],
    ["content that is not a list", () => answer({ entitlement: { active: true }, content: { slug: "x" } }), true],
    ["an inactive answer", () => answer({ entitlement: { active: false } }), false],
    ["a refusal", () => answer({ entitlement: { active: true }, content: [LESSON] }, 403), false],
    ["a body that is not JSON", () => answer("<html>", 200), false],
    ["no answer at all", () => Promise.reject<Response>(new TypeError("offline")), false],
  ] as const)("answers no content for %s", async (_case, sent, active) => {
    const body = syncBodyOf(sent());
    await expect(saysActive(body)).resolves.toBe(active);
    await expect(answeredContent(body)).resolves.toBeNull();
  });
});
