import { describe, expect, test } from "vitest";
import { type AccessChange, type AccessFacts, accessSentence, changeKind, describeChange } from "./access-sentence.ts";

const NOW = new Date("2026-12-02T10:00:00Z");
const pro: AccessFacts = {
  active: true,
  status: "active",
  planName: "Pro",
  amount: 900,
  currency: "eur",
  interval: "month",
  currentPeriodEnd: "2027-01-03T10:00:00Z",
  cancelAt: null,
  accessEndsAt: null,
  trialEnd: null,
  scheduledChange: null,
};
const change = (
  at: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  cause = "cron",
) => ({
  at,
  cause,
  before,
  after,
});
const cancelledOnDec2: AccessChange[] = [
  change("2026-11-03T10:00:00Z", null, { active: true, status: "active", cancel_at: null }, "checkout_sync"),
  change(
    "2026-12-02T09:00:00Z",
    { active: true, status: "active", cancel_at: null },
    { active: true, status: "active", cancel_at: "2027-01-03T10:00:00Z" },
    "webhook:customer.subscription.updated",
  ),
];
const failedOnDec2: AccessChange[] = [
  change(
    "2026-12-02T08:00:00Z",
    { active: true, status: "active" },
    { active: true, status: "past_due" },
    "webhook:invoice.payment_failed",
  ),
];

// [case, facts, history, English, French]
const CASES: [string, AccessFacts, AccessChange[], string, string][] = [
  [
    "active, renews next year",
    pro,
    [],
    "Your Pro plan renews on 3 January 2027 (€9).",
    "Votre abonnement Pro se renouvelle le 3 janvier 2027 (9\u00a0€).",
  ],
  [
    "active, renews this year, cents",
    { ...pro, amount: 950, currentPeriodEnd: "2026-12-20T10:00:00Z" },
    [],
    "Your Pro plan renews on 20 December (€9.50).",
    "Votre abonnement Pro se renouvelle le 20 décembre (9,50\u00a0€).",
  ],
  [
    "cancelled, the date from the history",
    { ...pro, cancelAt: "2027-01-03T10:00:00Z" },
    cancelledOnDec2,
    "You cancelled on 2 December; your access ends on 3 January 2027.",
    "Vous avez résilié le 2 décembre ; votre accès prend fin le 3 janvier 2027.",
  ],
  [
    "cancelled, no history",
    { ...pro, cancelAt: "2027-01-03T10:00:00Z" },
    [],
    "Your plan is cancelled; your access ends on 3 January 2027.",
    "Votre abonnement est résilié ; votre accès prend fin le 3 janvier 2027.",
  ],
  [
    "payment failed, in the grace",
    { ...pro, status: "past_due", accessEndsAt: "2026-12-09T08:00:00Z" },
    failedOnDec2,
    "Your payment of €9 failed on 2 December; update your card to keep access until 9 December.",
    "Votre paiement de 9\u00a0€ a échoué le 2 décembre ; mettez à jour votre carte pour garder l’accès jusqu’au 9 décembre.",
  ],
  [
    "payment failed, the grace is over",
    { ...pro, active: false, status: "past_due", accessEndsAt: "2026-12-01T08:00:00Z" },
    failedOnDec2,
    "Your payment of €9 failed on 2 December; update your card to get your access back.",
    "Votre paiement de 9\u00a0€ a échoué le 2 décembre ; mettez à jour votre carte pour retrouver l’accès.",
  ],
  [
    "trial, then charged",
    { ...pro, status: "trialing", trialEnd: "2026-12-09T10:00:00Z" },
    [],
    "Your trial ends on 9 December; you will then be charged €9 a month.",
    "Votre essai se termine le 9 décembre ; vous serez ensuite débité de 9\u00a0€ par mois.",
  ],
  [
    "yearly trial in dollars",
    { ...pro, status: "trialing", trialEnd: "2026-12-09T10:00:00Z", amount: 9000, currency: "usd", interval: "year" },
    [],
    "Your trial ends on 9 December; you will then be charged US$90 a year.",
    "Votre essai se termine le 9 décembre ; vous serez ensuite débité de 90,00\u00a0$US par an.".replace(",00", ""),
  ],
  [
    "plan change scheduled",
    { ...pro, scheduledChange: { planName: "Basic", at: "2027-01-03T10:00:00Z" } },
    [],
    "Your plan changes to Basic on 3 January 2027.",
    "Votre abonnement passe à Basic le 3 janvier 2027.",
  ],
  [
    "ended",
    { ...pro, active: false, status: "canceled" },
    [
      change(
        "2026-11-30T10:00:00Z",
        { active: true, status: "active" },
        { active: false, status: "canceled" },
        "webhook:customer.subscription.deleted",
      ),
    ],
    "Your Pro plan ended on 30 November.",
    "Votre abonnement Pro a pris fin le 30 novembre.",
  ],
  [
    "never subscribed",
    { ...pro, active: false, status: null, planName: null, currentPeriodEnd: null },
    [],
    "You have no plan.",
    "Vous n’avez pas d’abonnement.",
  ],
];

describe("accessSentence", () => {
  test.each(CASES)("%s", (_name, facts, history, en, fr) => {
    expect(accessSentence(facts, history, { locale: "en", now: NOW })).toBe(en);
    expect(accessSentence(facts, history, { locale: "fr", now: NOW })).toBe(fr);
  });

  test("reads dates in the given time zone", () => {
    const late = { ...pro, currentPeriodEnd: "2027-01-02T23:30:00Z" };
    expect(accessSentence(late, [], { locale: "en", now: NOW, timeZone: "Europe/Paris" })).toBe(
      "Your Pro plan renews on 3 January 2027 (€9).",
    );
  });
});

describe("the timeline", () => {
  test.each([
    [null, { active: true, status: "active" }, "granted"],
    [null, { active: true, status: "trialing" }, "trial_started"],
    [
      { active: true, status: "active", cancel_at: null },
      { active: true, status: "active", cancel_at: "x" },
      "cancel_scheduled",
    ],
    [
      { active: true, status: "active", cancel_at: "x" },
      { active: true, status: "active", cancel_at: null },
      "cancel_withdrawn",
    ],
    [{ active: true, status: "active" }, { active: true, status: "past_due" }, "payment_failed"],
    [{ active: false, status: "past_due" }, { active: true, status: "active" }, "payment_recovered"],
    [{ active: true, status: "active" }, { active: false, status: "canceled" }, "ended"],
    [{ active: true, price_id: "a" }, { active: true, price_id: "b" }, "plan_changed"],
    [{ active: true, current_period_end: "a" }, { active: true, current_period_end: "b" }, "renewed"],
  ] as const)("%o → %o is %s", (before, after, kind) => {
    expect(changeKind({ at: "2026-12-02T00:00:00Z", cause: "cron", before, after })).toBe(kind);
  });

  test("says why in both languages", () => {
    const failed = failedOnDec2[0] as AccessChange;
    expect(describeChange(failed, "en")).toEqual({
      what: "Payment failed",
      why: "Stripe event invoice.payment_failed",
    });
    expect(describeChange(failed, "fr")).toEqual({
      what: "Paiement échoué",
      why: "événement Stripe invoice.payment_failed",
    });
    expect(describeChange({ ...failed, cause: "doctor" }, "en").why).toBe("repaired by the doctor");
    expect(describeChange({ ...failed, cause: "admin_resync" }, "fr").why).toBe("resynchronisé par un administrateur");
  });
});
