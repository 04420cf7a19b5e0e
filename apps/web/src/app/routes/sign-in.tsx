import { Navigate, useNavigate, useSearchParams } from "react-router";
import { getEnv } from "@/config/env.ts";
import { useSession } from "@/features/auth/api/use-session.ts";
import { AuthForm, type AuthMode } from "@/features/auth/components/auth-form.tsx";
import { safeNextPath } from "@/features/auth/safe-next-path.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { Page } from "../layout/page.tsx";

function parseMode(value: string | null): AuthMode {
  return value === "sign-up" || value === "magic-link" ? value : "sign-in";
}

export default function SignInRoute() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const mode = parseMode(params.get("mode"));
  const next = safeNextPath(params.get("next"));
  usePageTitle(mode === "sign-up" ? t("auth.mode.signUp") : t("nav.signIn"));
  const env = getEnv();

  if (session.status === "signed_in") return <Navigate to={next} replace />;
  return (
    <Page width="narrow">
      <AuthForm
        key={mode}
        mode={mode}
        next={next}
        sandboxInboxUrl={env.isSandbox ? `${env.supabaseUrl}/inbox` : null}
        onSignedIn={() => navigate(next, { replace: true })}
        notice={next.includes("subscribe=") ? t("auth.checkoutNext") : null}
      />
    </Page>
  );
}
