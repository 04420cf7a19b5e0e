import type { ComponentType } from "react";

type Loaded = { default: ComponentType };

/**
 * TanStack Query is not in the entry chunk (issue 20): the landing's pricing and every lazy page load
 * it with their own chunk, and render inside the provider of the app's one QueryClient
 * (lib/query-provider.tsx), so they all share one cache. The wrapped component is made once, so
 * loading again (a preload, then React.lazy) never gives a new component type, which would remount
 * the page.
 */
export function withQueryClient(load: () => Promise<Loaded>): () => Promise<Loaded> {
  let wrapped: Loaded | undefined;
  return () =>
    Promise.all([load(), import("@/lib/query-provider.tsx")]).then(([module, { QueryProvider }]) => {
      if (!wrapped) {
        const Page = module.default;
        wrapped = {
          default: function WithQueryClient() {
            return (
              <QueryProvider>
                <Page />
              </QueryProvider>
            );
          },
        };
      }
      return wrapped;
    });
}
