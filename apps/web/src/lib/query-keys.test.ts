import { QueryClient } from "@tanstack/react-query";
import { expect, test } from "vitest";
import { queryKeys } from "./query-keys.ts";

test("signing out (removing everyUser) drops every user's data and keeps the public catalog", () => {
  const client = new QueryClient();
  const userKeys = [
    queryKeys.entitlement("u1"),
    queryKeys.premiumContent("u1"),
    queryKeys.libraryFiles("u1"),
    queryKeys.billingResync("u1"),
    queryKeys.entitlement(null),
  ];
  for (const key of [...userKeys, queryKeys.plans(), queryKeys.premiumPreviews()]) client.setQueryData(key, 1);
  client.removeQueries({ queryKey: queryKeys.everyUser() });
  for (const key of userKeys) expect(client.getQueryData(key)).toBeUndefined();
  expect(client.getQueryData(queryKeys.plans())).toBe(1);
  expect(client.getQueryData(queryKeys.premiumPreviews())).toBe(1);
});
