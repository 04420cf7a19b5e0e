import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { queryKeys } from "@/lib/query-keys.ts";
import { signOut } from "./auth-actions.ts";

/**
 * Signing out from a button: ends the session, forgets every query of the user (whether or not
 * the sign-out reached Supabase) and goes home; `signingOut` is true meanwhile.
 */
export function useSignOut(): { signingOut: boolean; onSignOut: () => Promise<void> } {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [signingOut, setSigningOut] = useState(false);
  const onSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      queryClient.removeQueries({ queryKey: queryKeys.everyUser() });
      setSigningOut(false);
      navigate("/");
    }
  };
  return { signingOut, onSignOut };
}
