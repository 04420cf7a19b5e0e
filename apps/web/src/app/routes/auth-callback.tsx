import { useEffect, useState } from "react";
import { Link, Navigate, useSearchParams } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useSession } from "@/features/auth/api/use-session.ts";
import { safeNextPath } from "@/features/auth/safe-next-path.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { Page } from "../layout/page.tsx";
import { PageFallback } from "../layout/page-fallback.tsx";

/** Magic links land here; supabase-js reads the #access_token itself, then we go where the user was. */
export default function AuthCallbackRoute() {
  const { t } = useI18n();
  usePageTitle(t("auth.callback.working"));
  const [params] = useSearchParams();
  const next = safeNextPath(params.get("next"));
  const session = useSession();
  const [gaveUp, setGaveUp] = useState(false);

  useEffect(() => {
    if (session.status !== "signed_out") return;
    // supabase-js may still be reading the link; give it a moment before calling it a failure.
    const id = setTimeout(() => setGaveUp(true), 3000);
    return () => clearTimeout(id);
  }, [session.status]);

  if (session.status === "signed_in") return <Navigate to={next} replace />;
  if (!gaveUp) return <PageFallback />;
  return (
    <Page width="narrow">
      <Alert
        tone="danger"
        title={t("auth.callback.failed")}
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
