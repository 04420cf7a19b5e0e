import { useMutation } from "@tanstack/react-query";
import { isApiError } from "@/lib/api-error.ts";
import type { ApiLocale, createCheckout, createPortalSession } from "@/lib/gatehouse-api.ts";

export interface SubscribeDeps {
  checkout: typeof createCheckout;
  portal: typeof createPortalSession;
  redirect: (url: string) => void;
}

// The API client (and zod, which checks its answers) loads on the click, not with the pricing page.
const api = () => import("@/lib/gatehouse-api.ts");

const defaultDeps: SubscribeDeps = {
  checkout: async (input) => {
    const client = await api();
    client.warmSyncPreflight(); // for the success page's sync, after paying
    return client.createCheckout(input);
  },
  portal: async (input) => (await api()).createPortalSession(input),
  redirect: (url) => window.location.assign(url),
};

/** Starts Stripe Checkout for a price; someone who already subscribes goes to the billing portal instead. */
export async function subscribeToPrice(
  input: { priceId: string; locale: ApiLocale; accessToken: string; currency?: string },
  deps: SubscribeDeps = defaultDeps,
): Promise<"checkout" | "portal"> {
  try {
    const { url } = await deps.checkout(input);
    deps.redirect(url);
    return "checkout";
  } catch (error) {
    if (!isApiError(error) || error.code !== "already_subscribed") throw error;
    const { url } = await deps.portal({ locale: input.locale, accessToken: input.accessToken });
    deps.redirect(url);
    return "portal";
  }
}

export function useSubscribe(deps?: SubscribeDeps) {
  return useMutation({
    mutationFn: (input: { priceId: string; locale: ApiLocale; accessToken: string; currency?: string }) =>
      subscribeToPrice(input, deps),
  });
}

export function useOpenPortal(deps: Pick<SubscribeDeps, "portal" | "redirect"> = defaultDeps) {
  return useMutation({
    mutationFn: async (input: { locale: ApiLocale; accessToken: string }) => {
      const { url } = await deps.portal(input);
      deps.redirect(url);
    },
  });
}
