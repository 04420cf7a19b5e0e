// Vitest global setup: generates (or finds cached) the Stripe schemas once, before any test file
// runs, so no file's afterAll (startHarness().stop() checks conformance) pays for the generation.
import { loadStripeSchemas } from "./stripe-schemas.ts";

export default function setup(): void {
  loadStripeSchemas();
}
