export * from "./entitlement.ts";
export * from "./entitlement-cases.ts";
