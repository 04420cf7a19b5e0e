/** The API's pace toward Stripe: below Stripe's test-mode limit (25/s), leaving room for the calls of people waiting. */
export const DEFAULT_STRIPE_REQUESTS_PER_SECOND = 20;
