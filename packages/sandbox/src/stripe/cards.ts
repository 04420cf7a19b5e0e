import { cardDeclined, StripeApiError } from "./errors.ts";

/** Stripe's test cards that the stand-in knows. */
export const TEST_CARDS = {
  succeeds: "4242424242424242",
  declined: "4000000000000002",
  failsOnRenewal: "4000000000000341",
} as const;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A well-formed card number (digits only), or a 402 incorrect_number. */
export function cardNumber(raw: string): string {
  const card = raw.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(card) || !luhnValid(card))
    throw new StripeApiError(402, "card_error", "Your card number is incorrect.", {
      code: "incorrect_number",
      param: "card",
    });
  return card;
}

/** Checks a card at payment time: the declined test card and malformed numbers are refused (402). */
export function chargeCard(raw: string): string {
  const card = cardNumber(raw);
  if (card === TEST_CARDS.declined) throw cardDeclined();
  return card;
}

/** Whether a charge made without the customer (a renewal, a plan change, an invoice paid later) succeeds. */
export function offSessionSucceeds(card: string): boolean {
  return card !== TEST_CARDS.failsOnRenewal && card !== TEST_CARDS.declined && card !== "";
}

/** Whether a renewal charge on this card succeeds. */
export function renewalSucceeds(card: string): boolean {
  return offSessionSucceeds(card);
}
