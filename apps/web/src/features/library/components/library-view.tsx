import { useCallback, useState } from "react";
import { LoadError } from "@/components/load-error.tsx";
import { Alert } from "@/components/ui/alert.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { planUnlocking, usePlans } from "@/features/pricing/api/get-plans.ts";
import { usePremiumContent } from "../api/get-premium-content.ts";
import { usePreviews } from "../api/get-previews.ts";
import { LibrarySkeleton } from "./library-skeleton.tsx";
import { LockedRows, LockedState } from "./locked-state.tsx";
import { PremiumContentList } from "./premium-content-list.tsx";

interface LibraryViewProps {
  /** The signed-in user's id, or null for a visitor. */
  userId: string | null;
  signInHref: string;
}

/** Premium content if the database lets this user read it; otherwise the locked state. */
export function LibraryView({ userId, signInHref }: LibraryViewProps) {
  const { t, locale } = useI18n();
  // A visitor reads no premium rows (there are none for them): their locked state is drawn at
  // once, the previews filling in when read, so it paints from the prerendered HTML (issue 20).
  const visitor = userId === null;
  const content = usePremiumContent(userId);
  const unlocked = content.isSuccess && content.data.length > 0;
  // Unlocked, the previews and the plans only tag the rows the plan does not hold: read after the
  // lessons are on screen, so that neither their requests nor their renders delay that frame.
  const [painted, setPainted] = useState(false);
  const onPainted = useCallback(() => setPainted(true), []);
  const extrasWanted = visitor || (content.isSuccess && (!unlocked || painted));
  const previews = usePreviews(extrasWanted);
  const plans = usePlans(extrasWanted);
  const unlockedBy = (feature: string) => {
    const plan = planUnlocking(plans.data ?? [], feature);
    return plan ? (plan.translations?.[locale]?.name ?? plan.name) : null;
  };

  if (!visitor && (content.isPending || (previews.isPending && !unlocked && !content.isError))) {
    return <LibrarySkeleton />;
  }
  const failed = content.isError ? content : previews.isError ? previews : null;
  if (failed) {
    return <LoadError title={t("library.loadError")} query={failed} testId="library-error" />;
  }
  if (unlocked) {
    // Rows of features the plan does not hold stay locked, tagged with the plan that unlocks them.
    const readable = new Set(content.data.map((lesson) => lesson.slug));
    const locked = (previews.data ?? []).filter((preview) => !readable.has(preview.slug));
    return (
      <>
        <PremiumContentList lessons={content.data} onPainted={onPainted} />
        {locked.length > 0 ? (
          <LockedRows
            previews={locked}
            unlockedBy={unlockedBy}
            startAt={content.data.length}
            label={t("library.lockedRows")}
          />
        ) : null}
      </>
    );
  }
  const list = previews.data ?? [];
  if (list.length === 0 && userId !== null) {
    return <Alert tone="info" title={t("library.empty")} testId="library-empty" />;
  }
  return (
    <LockedState
      previews={list}
      previewsPending={previews.isPending}
      signedIn={!visitor}
      signInHref={signInHref}
      unlockedBy={unlockedBy}
    />
  );
}
