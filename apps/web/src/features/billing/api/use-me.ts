import { useQuery } from "@tanstack/react-query";

/** GET /api/me for the signed-in user (trial eligibility: one trial per user, decided by the database). */
export function useMe(accessToken: string | null, userId: string | null) {
  return useQuery({
    queryKey: ["user", userId, "me"],
    queryFn: async ({ signal }) => {
      // The API client (and zod) load with the first signed-in query, not with the pricing page.
      const { fetchMe } = await import("@/lib/gatehouse-api.ts");
      return fetchMe({ accessToken: accessToken ?? "", signal });
    },
    enabled: accessToken !== null && userId !== null,
    staleTime: 60_000,
  });
}
