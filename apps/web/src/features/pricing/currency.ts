// The currency picker's state: the pick is remembered in this browser (currency-pick.ts decides the default).
import { useCallback, useEffect, useState } from "react";
import { CURRENCY_STORAGE_KEY, type SellingCurrency, savedCurrency, visitorCurrency } from "./currency-pick.ts";

export {
  currencyForLanguages,
  isSellingCurrency,
  regionOf,
  SELLING_CURRENCIES,
  type SellingCurrency,
} from "./currency-pick.ts";

/** [currency, setCurrency]: the remembered pick, else the browser region's; a pick is remembered. */
export function useCurrency(): [SellingCurrency, (next: SellingCurrency) => void] {
  const [currency, setState] = useState<SellingCurrency>(visitorCurrency);
  const set = useCallback((next: SellingCurrency) => {
    setState(next);
    try {
      window.localStorage.setItem(CURRENCY_STORAGE_KEY, next);
    } catch {
      // Private mode: the pick lasts for this page only.
    }
  }, []);
  // A currency picked on the landing's painted pricing while its chunk loaded was remembered by the
  // shell script (shell-script.ts), not seen by React, whose first render is the one painted.
  useEffect(() => {
    const saved = savedCurrency();
    if (saved !== null) setState(saved);
  }, []);
  return [currency, set];
}
