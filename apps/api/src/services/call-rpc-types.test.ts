// callRpc and selectOne are typed from the generated `Database` types: a wrong function, argument
// or column is a compile error (`npm run typecheck` runs over this file; each @ts-expect-error
// fails the typecheck if the line it marks ever compiles), and a jsonb result is checked against
// its contract at run time.
import type { Database, Tables } from "@gatehouse/types";
import type { ChangePlanContext, CheckoutContext } from "@gatehouse/types/db-functions";
import { describe, expect, expectTypeOf, test } from "vitest";
import { fakeServices } from "../testing/fake-services.ts";
import { callRpc, selectOne } from "./call-rpc.ts";

type Fns = Database["public"]["Functions"];
const userId = "7b0b9a4e-2c1d-4b8f-9e57-1c3f6d2a8b90";

describe("callRpc is typed by the SQL function's name", () => {
  test("a function, an argument or an argument's type the schema lacks does not compile", () => {
    const { db } = fakeServices();
    // Never run: only compiled.
    const calls = [
      // @ts-expect-error: no such function
      () => callRpc(db, "checkout_contxt", { p_user_id: userId, p_price_id: "price_1" }),
      // @ts-expect-error: p_price_id is required (no default in SQL)
      () => callRpc(db, "checkout_context", { p_user_id: userId }),
      // @ts-expect-error: p_customer is not an argument of bind_customer
      () => callRpc(db, "bind_customer", { p_user_id: userId, p_customer: "cus_1" }),
      // @ts-expect-error: p_limit is an integer
      () => callRpc(db, "claim_emails", { p_limit: "20" }),
      // @ts-expect-error: admin_overview takes no argument
      () => callRpc(db, "admin_overview", { p_limit: 1 }),
      // Every SQL parameter takes null; one with a default may be left out.
      () => callRpc(db, "finish_stripe_event", { p_id: "evt_1", p_error: null }),
      () => callRpc(db, "finish_stripe_event", { p_id: "evt_1" }),
    ];
    expect(calls).toHaveLength(7);
  });

  test("the result is the generated Returns, or the contract's shape for a jsonb result", () => {
    type Result<F extends keyof Fns> = Awaited<ReturnType<typeof callRpc<F>>>;
    expectTypeOf<Result<"sync_customer_caused">>().toEqualTypeOf<Fns["sync_customer_caused"]["Returns"]>();
    expectTypeOf<Result<"events_not_processed">>().toEqualTypeOf<string[]>();
    expectTypeOf<Result<"finish_stripe_event">>().toEqualTypeOf<undefined>();
    expectTypeOf<Result<"checkout_context">>().toEqualTypeOf<CheckoutContext>();
    expectTypeOf<Result<"change_plan_context">>().toEqualTypeOf<ChangePlanContext>();
    expectTypeOf<Result<"take_checkout_lease">>().toEqualTypeOf<{ taken: boolean; openSessionId: string | null }>();
    expectTypeOf<Fns["checkout_context"]["Returns"]>().not.toEqualTypeOf<CheckoutContext>();
  });

  test("a jsonb result that breaks its contract is an error naming the function, not data", async () => {
    const { db } = fakeServices({
      // A fake answering what the SQL never would: built past the handler's type on purpose.
      rpc: { checkout_context: () => JSON.parse('{"price":null}') },
    });
    await expect(callRpc(db, "checkout_context", { p_user_id: userId, p_price_id: "price_1" })).rejects.toThrow(
      /^checkout_context answered what its contract does not allow/,
    );
  });
});

describe("selectOne is typed by table and columns", () => {
  test("a column the table lacks does not compile; the row has the named columns' types", () => {
    const { db } = fakeServices();
    const reads = [
      // @ts-expect-error: customers has no column customer_id
      () => selectOne(db, "customers", ["customer_id"], "user_id", userId),
      // @ts-expect-error: no such table
      () => selectOne(db, "customer", ["user_id"], "user_id", userId),
    ];
    expect(reads).toHaveLength(2);
    type Row = Awaited<ReturnType<typeof selectOne<"customers", "stripe_customer_id">>>;
    expectTypeOf<Row>().toEqualTypeOf<Pick<Tables<"customers">, "stripe_customer_id"> | null>();
  });
});
