import { useLocation } from "react-router";
import { useSession } from "@/features/auth/api/use-session.ts";
import { savedSessionAtBoot } from "@/features/auth/saved-session.ts";
import { useEntitlementChanges } from "@/features/billing/api/use-entitlement-changes.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { DownloadsSection } from "@/features/library/components/downloads-section.tsx";
import { LibrarySkeleton } from "@/features/library/components/library-skeleton.tsx";
import { LibraryView } from "@/features/library/components/library-view.tsx";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { Page } from "../layout/page.tsx";

export default function LibraryRoute() {
  const { t } = useI18n();
  usePageTitle(t("library.title"));
  const session = useSession();
  const location = useLocation();
  const userId = session.status === "signed_in" ? session.session.user.id : null;
  // No Supabase session in this browser: a visitor, whose page is drawn without waiting for
  // supabase-js to say so (and is what the prerendered HTML shows). With one, the skeleton until
  // the session is restored: a member never sees the locked state first.
  const restoring = session.status === "loading" && savedSessionAtBoot();
  useEntitlementChanges(userId);
  return (
    <Page width="medium" title={t("library.title")} subtitle={t("library.subtitle")}>
      {restoring ? (
        <LibrarySkeleton />
      ) : (
        <>
          <LibraryView
            key={userId ?? "visitor"}
            userId={userId}
            signInHref={`/sign-in?next=${encodeURIComponent(location.pathname)}`}
          />
          <DownloadsSection key={`downloads-${userId ?? "visitor"}`} userId={userId} />
        </>
      )}
    </Page>
  );
}
