import { useLocation } from "react-router";
import { useSession } from "@/features/auth/api/use-session.ts";
import { useEntitlementChanges } from "@/features/billing/api/use-entitlement-changes.ts";
import { useI18n } from "@/features/i18n/index.ts";
import { DownloadsSection } from "@/features/library/components/downloads-section.tsx";
import { LibrarySkeleton, LibraryView } from "@/features/library/components/library-view.tsx";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { Page } from "../layout/page.tsx";

export default function LibraryRoute() {
  const { t } = useI18n();
  usePageTitle(t("library.title"));
  const session = useSession();
  const location = useLocation();
  const userId = session.status === "signed_in" ? session.session.user.id : null;
  useEntitlementChanges(userId);
  return (
    <Page width="medium" title={t("library.title")} subtitle={t("library.subtitle")}>
      {session.status === "loading" ? (
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
