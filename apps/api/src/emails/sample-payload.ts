// One email payload with every field filled: the email tests and `npm run emails:preview` render it.
import type { EmailPayload } from "./email-copy.ts";

export const SAMPLE_EMAIL_PAYLOAD: EmailPayload = {
  planName: "Gatehouse Pro",
  amount: 1900,
  currency: "eur",
  interval: "month",
  currentPeriodEnd: "2026-12-31T00:00:00+00:00",
  cancelAt: "2026-12-31T00:00:00+00:00",
  trialEnd: "2026-12-05T00:00:00+00:00",
  endedAt: "2026-12-02T00:00:00+00:00",
  previousPlanName: "Gatehouse Basic",
  previousAmount: 900,
  previousCurrency: "eur",
  previousInterval: "month",
  productName: "Lifetime library",
  receiptNumber: "1042-7731",
  purchasedAt: "2026-12-02T00:00:00+00:00",
};
