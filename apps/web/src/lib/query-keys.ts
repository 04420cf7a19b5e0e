// Every React Query key the SPA uses, made here only. What belongs to a signed-in user sits under
// ["user", id], so signing out drops it all with one prefix (queryKeys.everyUser()); the catalog
// and the previews are public and stay.
export const queryKeys = {
  plans: () => ["plans"] as const,
  oneTimeOffers: () => ["one-time-offers"] as const,
  premiumPreviews: () => ["premium-previews"] as const,
  everyUser: () => ["user"] as const,
  entitlement: (userId: string | null) => ["user", userId, "entitlement"] as const,
  premiumContent: (userId: string | null) => ["user", userId, "premium-content"] as const,
  accessHistory: (userId: string | null) => ["user", userId, "access-history"] as const,
  adminOverview: () => ["user", "admin", "overview"] as const,
  adminCustomers: (q: string, status: string, cursor: string | null) =>
    ["user", "admin", "customers", q, status, cursor] as const,
  adminCustomer: (userId: string) => ["user", "admin", "customer", userId] as const,
  adminDoctor: (runId: string | null) => ["user", "admin", "doctor", runId] as const,
  libraryFiles: (userId: string | null) => ["user", userId, "library-files"] as const,
  purchases: (userId: string | null) => ["user", userId, "purchases"] as const,
  emailPreferences: (userId: string | null) => ["user", userId, "email-preferences"] as const,
  /** The account page's one re-sync from Stripe per page load (back from the billing portal). */
  billingResync: (userId: string | null) => ["user", userId, "billing-resync"] as const,
};
