import { useState } from "react";
import { useNavigate } from "react-router";
import { queryKeys } from "@/lib/query-keys.ts";
import { signOut } from "./auth-actions.ts";

/**
 * Signing out from a button: ends the session, forgets every query of the user in the app's
 * QueryClient (whether or not the sign-out reached Supabase) and goes home; `signingOut` is true
 * meanwhile. The header has it, and TanStack Query is not in the entry chunk: the client is loaded
 * here, when the button is used (a chunk the page has loaded already).
 */
export function useSignOut(): { signingOut: boolean; onSignOut: () => Promise<void> } {
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);
  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      try {
        const { queryClient } = await import("@/lib/query-client.ts");
        queryClient.removeQueries({ queryKey: queryKeys.everyUser() });
      } finally {
        setSigningOut(false);
        navigate("/");
      }
    }
  };
  return { signingOut, onSignOut };
}
