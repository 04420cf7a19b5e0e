import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useSession } from "@/features/auth/api/use-session.ts";
import { createSupabaseActivationSources } from "@/features/billing/api/activation-sources.ts";
import { bootSession } from "@/features/billing/api/early-sync.ts";
import { entitlementQueryOptions } from "@/features/billing/api/get-entitlement.ts";
import { useActivation } from "@/features/billing/api/use-activation.ts";
import { ActivationPanel } from "@/features/billing/components/activation-panel.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { premiumContentQueryOptions, takeAnsweredReadAhead } from "@/features/library/api/get-premium-content.ts";
import { LibraryView } from "@/features/library/components/library-view.tsx";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { getSupabase } from "@/lib/supabase.ts";
import { Page } from "../layout/page.tsx";
import { PageFallback } from "../layout/page-fallback.tsx";

/** The boot's saved session does not change after the boot. */
const noChange = () => () => undefined;
const beforeBoot = () => null;

/** `/billing/success?session_id=…`: activate, then show the premium content right here. */
export default function BillingSuccessRoute() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const location = useLocation();
  const sessionId = params.get("session_id");
  const syncEnabled = params.get("gh_sync") !== "0";
  const realtimeEnabled = params.get("gh_realtime") !== "0";
  const session = useSession();
  // While supabase-js loads and restores the session, the user its saved session names (read by
  // the boot): the activation and the content do not wait for supabase-js. Null while hydrating
  // the prerendered page (which shows the session loading), then read.
  const boot = useSyncExternalStore(noChange, bootSession, beforeBoot);
  const queryClient = useQueryClient();
  const signedIn = session.status === "signed_in" ? session.session : null;
  const early = session.status === "loading" ? boot : null;
  const userId = signedIn?.user.id ?? early?.userId ?? null;

  // The sources read the latest token when they call the API; the ref follows it after each render
  // (never written during render).
  const token = signedIn?.access_token ?? early?.accessToken ?? "";
  const tokenRef = useRef(token);
  useEffect(() => {
    tokenRef.current = token;
  }, [token]);
  const sources = useMemo(
    () =>
      userId && sessionId
        ? createSupabaseActivationSources({
            getClient: getSupabase,
            userId,
            getAccessToken: () => tokenRef.current,
            sessionId,
            syncEnabled,
            realtimeEnabled,
          })
        : null,
    [userId, sessionId, syncEnabled, realtimeEnabled],
  );
  const activation = useActivation(sources, {
    // Without the sync, the first poll at once (it takes the boot's read of the row).
    firstPollMs: syncEnabled ? 500 : 0,
    onActive: () => {
      // Drop anything cached while locked, so the content is read fresh under the new entitlement;
      // rows the boot already read under it (read once active) go in the cache before the unlocked
      // state renders, so its first render shows them.
      const { queryKey } = premiumContentQueryOptions(userId);
      queryClient.removeQueries({ queryKey });
      const answered = userId ? takeAnsweredReadAhead(userId) : null;
      if (answered) queryClient.setQueryData(queryKey, answered);
      void queryClient.invalidateQueries({ queryKey: entitlementQueryOptions(userId).queryKey });
    },
  });

  usePageTitle(activation.phase === "active" ? t("billing.active") : t("billing.activating"));

  if (!sessionId) {
    return (
      <Page width="narrow">
        <Alert
          tone="warning"
          title={t("billing.missingSession")}
          actions={
            <Link className={buttonClassName({ size: "sm" })} to="/#pricing">
              {t("billing.backToPricing")}
            </Link>
          }
        />
      </Page>
    );
  }
  if (session.status === "loading" && !early) return <PageFallback />;
  if (!userId) {
    const next = `${location.pathname}${location.search}`;
    return (
      <Page width="narrow">
        <Alert
          tone="info"
          title={t("billing.signInNeeded")}
          actions={
            <Link className={buttonClassName({ size: "sm" })} to={`/sign-in?next=${encodeURIComponent(next)}`}>
              {t("nav.signIn")}
            </Link>
          }
        />
      </Page>
    );
  }

  return (
    <Page width="medium">
      <ActivationPanel activation={activation} />
      {activation.phase === "active" ? <LibraryView userId={userId} signInHref="/sign-in" /> : null}
    </Page>
  );
}
