// Values the global setup hands to the tests (vitest `provide`/`inject`).
declare module "vitest" {
  export interface ProvidedContext {
    supabaseUrl: string;
    supabaseSecretKey: string;
    supabasePublishableKey: string;
    stripeUrl: string;
    stripeSecretKey: string;
    webhookSecret: string;
    databaseUrl: string;
    /** The Supabase stand-in's private ES256 key (JWK JSON), to mint tokens with other claims. */
    jwtSigningJwk: string;
    priceMonthly: string;
    priceYearly: string;
    priceProMonthly: string;
    priceProYearly: string;
    priceLifetime: string;
    priceInactive: string;
    priceNoEntitlement: string;
  }
}

export {};
