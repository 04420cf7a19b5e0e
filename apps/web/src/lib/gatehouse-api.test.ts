// The SPA's answers are the API's routes' own types (App): these say they are the contract of
// @gatehouse/types, so a route that answers something else fails here at typecheck.
import type {
  ChangePlanPreviewResponse,
  ChangePlanResponse,
  CheckoutBody,
  CheckoutResponse,
  DoctorStartedResponse,
  EmailPreferencesResponse,
  MeResponse,
  PortalResponse,
  SyncResponse,
} from "@gatehouse/types";
import { describe, expectTypeOf, it } from "vitest";
import type { ApiAnswer, ApiBody } from "./api-client.ts";
import type {
  ChangePlanAnswer,
  ChangePlanPreview,
  CheckoutAnswer,
  MeAnswer,
  PortalAnswer,
  SyncAnswer,
} from "./gatehouse-api.ts";

describe("the SPA's view of the API", () => {
  it("answers what @gatehouse/types says each route returns", () => {
    expectTypeOf<CheckoutAnswer>().toEqualTypeOf<CheckoutResponse>();
    expectTypeOf<PortalAnswer>().toEqualTypeOf<PortalResponse>();
    expectTypeOf<SyncAnswer>().toEqualTypeOf<SyncResponse>();
    expectTypeOf<MeAnswer>().toExtend<MeResponse>();
    expectTypeOf<ChangePlanPreview>().toEqualTypeOf<ChangePlanPreviewResponse>();
    expectTypeOf<ChangePlanAnswer>().toEqualTypeOf<ChangePlanResponse>();
    expectTypeOf<ApiAnswer<"DELETE", "/api/billing/change-plan">>().toEqualTypeOf<ChangePlanResponse>();
    expectTypeOf<ApiAnswer<"POST", "/api/me/email-preferences">>().toEqualTypeOf<EmailPreferencesResponse>();
    expectTypeOf<ApiAnswer<"POST", "/api/admin/doctor">>().toEqualTypeOf<DoctorStartedResponse>();
  });

  it("sends the bodies the API's schemas take", () => {
    expectTypeOf<ApiBody<"POST", "/api/checkout">>().toEqualTypeOf<CheckoutBody>();
    expectTypeOf<ApiBody<"GET", "/api/me">>().toBeNever();
  });
});
