import { useEffect, useState } from "react";
import { Link, Navigate, useSearchParams } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useSession } from "@/features/auth/api/use-session.ts";
import { CALLBACK_FAILURE_MESSAGE, type CallbackFailure, callbackFailure } from "@/features/auth/callback-failure.ts";
import { safeNextPath } from "@/features/auth/safe-next-path.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { getSupabase } from "@/lib/supabase.ts";
import { Page } from "../layout/page.tsx";
import { PageFallback } from "../layout/page-fallback.tsx";

/**
 * Magic links land here with `?code=` (PKCE): supabase-js exchanges it, with the code verifier it
 * kept in this browser, while it initializes; then we go where the user was.
 */
export default function AuthCallbackRoute() {
  const { t } = useI18n();
  usePageTitle(t("auth.callback.working"));
  const [params] = useSearchParams();
  const next = safeNextPath(params.get("next"));
  const session = useSession();
  const [failure, setFailure] = useState<CallbackFailure | null>(null);

  useEffect(() => {
    if (session.status !== "signed_out") return;
    // Signed out is only known once supabase-js has finished with the URL: ask it what went wrong.
    let current = true;
    getSupabase()
      .then((client) => client.auth.initialize())
      .then(
        ({ error }) => callbackFailure(window.location.href, error?.code),
        () => callbackFailure(window.location.href, null),
      )
      .then((kind) => {
        if (current) setFailure(kind);
      });
    return () => {
      current = false;
    };
  }, [session.status]);

  if (session.status === "signed_in") return <Navigate to={next} replace />;
  if (session.status !== "signed_out" || failure === null) return <PageFallback />;
  return (
    <Page width="narrow">
      <Alert
        tone="danger"
        title={t(CALLBACK_FAILURE_MESSAGE[failure])}
        actions={
          <Link
            className={buttonClassName({ size: "sm" })}
            to={`/sign-in?mode=magic-link&next=${encodeURIComponent(next)}`}
          >
            {t("auth.callback.again")}
          </Link>
        }
      />
    </Page>
  );
}
