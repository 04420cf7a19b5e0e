// Values the global setup hands to the tests (vitest `provide`/`inject`).
declare module "vitest" {
  export interface ProvidedContext {
    supabaseUrl: string;
    supabaseSecretKey: string;
    stripeUrl: string;
    stripeSecretKey: string;
    webhookSecret: string;
    databaseUrl: string;
    priceMonthly: string;
    priceYearly: string;
    priceInactive: string;
    priceNoEntitlement: string;
  }
}

export {};
