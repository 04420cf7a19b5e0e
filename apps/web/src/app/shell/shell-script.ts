// Inlined into each prerendered page right after #root (build/prerender-plugin.ts; the CSP allows it
// by its hash), it runs before the first paint and makes the shell true for this visit: the
// visitor's language (another language's shell is text in a <script type="text/html">), the currency picker's value, the
// style attributes the CSP keeps out of HTML (build/shell-html.ts), or no shell at all when this URL's first render is not the one prerendered (main.tsx then renders
// from scratch, as without a shell).
import { hasSavedSession } from "@/features/auth/saved-session.ts";
import { isLocale, LOCALE_STORAGE_KEY, visitorLocale } from "@/features/i18n/locale.ts";
import { CURRENCY_STORAGE_KEY, isSellingCurrency, visitorCurrency } from "@/features/pricing/currency-pick.ts";
import { afterFirstPaint, browserPaintWatch, ENTRY_TEMPLATE_ID, startEntry } from "./entry-after-paint.ts";
import { shellFits } from "./shell-fit.ts";

// A page whose entry waits in <template id="gh-entry"> (/, /library) starts it once the browser
// has painted it (entry-after-paint.ts); at once when there is nothing of the HTML to paint first
// (no shell kept: the landing's HTML answers every unknown path) or no paint to wait for (a hidden
// tab). Scheduled first, so the app starts even if what follows throws. A page without the
// template (the success page) is not touched, nothing watched: its entry is in its HTML.
const entryNow = document.getElementById(ENTRY_TEMPLATE_ID)
  ? afterFirstPaint(() => startEntry(document), browserPaintWatch(window))
  : () => undefined;

const root = document.getElementById("root");
if (!root || root.dataset.shell === undefined) entryNow();
else {
  const locale = visitorLocale();
  const fits = shellFits(root.dataset, window.location);
  // A page whose first render differs for a visitor (/library) holds a visitor's render, and the
  // render with a session as text: taken when this browser holds a Supabase session, as the app's
  // first render reads the same (savedSessionAtBoot) and so hydrates it. Until then the head
  // script's mark kept the visitor's render hidden from such a browser (session-mark-script.ts).
  const session = root.dataset.shellVisitor !== undefined && hasSavedSession(() => window.localStorage);
  const other = document.getElementById(`gh-shell-${locale}${session ? "-session" : ""}`);
  let inRoot = !session && locale === root.dataset.shellLocale;
  if (fits && !inRoot && other instanceof HTMLScriptElement) {
    root.innerHTML = other.text;
    root.dataset.shellLocale = locale;
    inRoot = true;
  }
  if (!fits || !inRoot) {
    root.replaceChildren();
    delete root.dataset.shell;
    entryNow();
  }
  delete document.documentElement.dataset.ghSession;
  for (const element of root.querySelectorAll<HTMLElement>("[data-shell-style]")) {
    element.style.cssText = element.dataset.shellStyle ?? "";
    delete element.dataset.shellStyle;
  }
  document.documentElement.lang = locale;
  const picker = document.getElementById("pricing-currency");
  if (picker instanceof HTMLSelectElement) picker.value = visitorCurrency();
  // The page looks ready before its JavaScript is: a language or currency picked meanwhile is
  // remembered, so the app starts with it (main.tsx renders afresh for another language). Also
  // after main.tsx removes data-shell: until React has hydrated the picker, the pick's `input`
  // makes React hydrate it at once, which puts back the value it rendered before `change` comes.
  // So the pick is read at `input` (window, capture: before React) and put back for `change`,
  // where it is saved (not before: React's hydration must read the language it was painted in).
  // The app also applies a saved pick that differs from its first render once it has committed
  // (i18n-provider.tsx, currency.ts). Once React has hydrated a picker it saves the same pick.
  let picked: { select: HTMLSelectElement; value: string } | null = null;
  const remember = (event: Event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !root.contains(select)) return;
    if (event.type === "input") {
      picked = { select, value: select.value };
      return;
    }
    if (picked?.select === select) select.value = picked.value;
    picked = null;
    try {
      if (select.id === "pricing-currency") {
        if (isSellingCurrency(select.value)) window.localStorage.setItem(CURRENCY_STORAGE_KEY, select.value);
      } else if (isLocale(select.value)) window.localStorage.setItem(LOCALE_STORAGE_KEY, select.value);
    } catch {
      // Storage blocked: the choice is lost, as the app's own would be after a reload.
    }
  };
  window.addEventListener("input", remember, true);
  window.addEventListener("change", remember, true);
}
