import { QueryClient } from "@tanstack/react-query";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // No retries here: postgrest-js already retries idempotent reads on network errors (3 attempts with backoff).
      queries: { staleTime: 30_000, retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

/**
 * The app's one QueryClient: every page's provider (query-provider.tsx) gives this one, so the pages
 * share their cache and invalidations (query-keys.ts). TanStack Query is not in the entry chunk
 * (issue 20): this module loads with the first page or section that reads data.
 */
export const queryClient = createQueryClient();
