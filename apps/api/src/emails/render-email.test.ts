import { describe, expect, test } from "vitest";
import { EMAIL_KINDS, type EmailPayload, emailCopy, linksFor } from "./email-copy.ts";
import { EMAIL_LAYOUT } from "./email-layout.generated.ts";
import { layoutFromReactEmail, renderWithReactEmail } from "./email-template.ts";
import { renderEmail } from "./render-email.ts";
import { SAMPLE_EMAIL_PAYLOAD } from "./sample-payload.ts";

const links = linksFor("https://app.test");
const payload = SAMPLE_EMAIL_PAYLOAD;
// Names from Stripe's dashboard reach the email as they are: markup, quotes, a placeholder lookalike, and
// a name long enough to push the preview past React Email's 150 characters.
const hostile: EmailPayload = {
  ...payload,
  planName: `Pro <b>"&'</b> %%HEADING%% ${"x".repeat(160)}`,
  previousPlanName: "Basic & <i>co</i>",
  productName: "Lifetime 'library' <script>",
};

describe("the worker's email render", () => {
  test("uses the layout React Email renders now (run `npm run emails:layout` after changing the template)", () => {
    expect(EMAIL_LAYOUT).toEqual(layoutFromReactEmail());
  });

  for (const kind of EMAIL_KINDS) {
    for (const locale of ["en", "fr"] as const) {
      test.each([
        ["sample", payload],
        ["hostile names", hostile],
        ["empty", {}],
      ] as const)(`${kind} in ${locale} (%s payload) is byte for byte React Email's`, (_name, p) => {
        const expected = renderWithReactEmail(emailCopy(kind, locale, p, links), locale, links);
        expect(renderEmail(kind, locale, p, links).html).toBe(expected);
      });
    }
  }

  test("a preview of 150 characters or more gets no padding, as in React Email", () => {
    const html = renderEmail("plan_changed", "en", hostile, links).html;
    expect(html).not.toContain("\u200C");
    expect(html).toContain("%%HEADING%%");
  });
});
