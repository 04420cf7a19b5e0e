export * from "./api.ts";
export * from "./entitlement.ts";
export * from "./entitlement-cases.ts";
