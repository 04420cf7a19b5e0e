import type Stripe from "stripe";
import { CHECKOUT_COUNTRIES } from "../tax.ts";
import { esc } from "./html.ts";
import type { t } from "./i18n.ts";

/** The element ids of one address form (Checkout and the portal name theirs differently). */
export interface AddressIds {
  country: string;
  line1: string;
  postalCode: string;
  city: string;
}

/** The country select (with `selected` chosen, or the empty choice) and the street, postal code and city inputs. */
export function addressInputs(
  m: ReturnType<typeof t>,
  a: Stripe.Address | null | undefined,
  selected: string,
  ids: AddressIds,
): string {
  const options = [
    `<option value=""${selected ? "" : " selected"}>—</option>`,
    ...CHECKOUT_COUNTRIES.map(
      (c) => `<option value="${c}"${c === selected ? " selected" : ""}>${esc(m.countries[c] ?? c)}</option>`,
    ),
  ].join("");
  return `<label for="${ids.country}">${esc(m.country)}
      <select id="${ids.country}" name="country" autocomplete="country" required>${options}</select>
    </label>
    <label for="${ids.line1}">${esc(m.line1)}
      <input id="${ids.line1}" name="line1" autocomplete="address-line1" value="${esc(a?.line1 ?? "")}">
    </label>
    <div class="row">
      <label for="${ids.postalCode}">${esc(m.postalCode)}
        <input id="${ids.postalCode}" name="postalCode" autocomplete="postal-code" value="${esc(a?.postal_code ?? "")}">
      </label>
      <label for="${ids.city}">${esc(m.city)}
        <input id="${ids.city}" name="city" autocomplete="address-level2" value="${esc(a?.city ?? "")}">
      </label>
    </div>`;
}
