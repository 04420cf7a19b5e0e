import { useQuery } from "@tanstack/react-query";
import { fetchMe } from "@/lib/gatehouse-api.ts";

/** GET /api/me for the signed-in user (trial eligibility: one trial per user, decided by the database). */
export function useMe(accessToken: string | null, userId: string | null) {
  return useQuery({
    queryKey: ["user", userId, "me"],
    queryFn: ({ signal }) => fetchMe({ accessToken: accessToken ?? "", signal }),
    enabled: accessToken !== null && userId !== null,
    staleTime: 60_000,
  });
}
