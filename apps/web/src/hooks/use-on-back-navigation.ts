import { useEffect, useRef } from "react";

/**
 * Runs `callback` when the page comes back from the back/forward cache (e.g. Back from Stripe's
 * checkout), so buttons left in their "redirecting…" state become usable again.
 */
export function useOnBackNavigation(callback: () => void) {
  const ref = useRef(callback);
  useEffect(() => {
    ref.current = callback;
  }, [callback]);
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) ref.current();
    };
    window.addEventListener("pageshow", onPageShow);
    return () => window.removeEventListener("pageshow", onPageShow);
  }, []);
}
