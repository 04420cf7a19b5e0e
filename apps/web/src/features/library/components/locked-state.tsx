import { Link } from "react-router";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import type { LessonPreview } from "../api/get-previews.ts";
import styles from "./library.module.css";
import { LibrarySkeleton } from "./library-skeleton.tsx";
import { LockIcon } from "./lock-icon.tsx";

interface LockedStateProps {
  previews: LessonPreview[];
  /** The previews are still being read: placeholder rows in their place. */
  previewsPending?: boolean;
  signedIn: boolean;
  signInHref: string;
  /** The name of the plan that unlocks a feature, for the lock tag. */
  unlockedBy: (feature: string) => string | null;
}

/** Locked rows: title and summary only, each tagged with the plan that unlocks it. */
export function LockedRows({
  previews,
  unlockedBy,
  startAt = 0,
  label,
}: {
  previews: LessonPreview[];
  unlockedBy: (feature: string) => string | null;
  startAt?: number;
  label: string;
}) {
  const { t } = useI18n();
  return (
    <ol className={styles.list} aria-label={label} data-testid="locked-rows" start={startAt + 1}>
      {previews.map((preview, index) => {
        const plan = unlockedBy(preview.feature);
        return (
          <li key={preview.slug} data-feature={preview.feature}>
            <article className={`${styles.lesson} ${styles.preview}`} aria-labelledby={`preview-${preview.slug}`}>
              <div className={styles.lessonHeader}>
                <span className={styles.number} aria-hidden="true">
                  {startAt + index + 1}
                </span>
                <h3 id={`preview-${preview.slug}`} className={styles.lessonTitle}>
                  {preview.title}
                </h3>
                <span className={styles.lockTag}>
                  <LockIcon />
                  {plan ? t("library.unlocksWith", { plan }) : t("library.locked")}
                </span>
              </div>
              {preview.summary ? <p className={styles.summary}>{preview.summary}</p> : null}
            </article>
          </li>
        );
      })}
    </ol>
  );
}

/** What people without access see: what they would get, and a way to get it. */
export function LockedState({ previews, previewsPending = false, signedIn, signInHref, unlockedBy }: LockedStateProps) {
  const { t } = useI18n();
  return (
    <div className={styles.locked} data-testid="locked-state">
      <section className={styles.lockedIntro} aria-labelledby="locked-title">
        <span className={styles.lockIcon}>
          <LockIcon />
        </span>
        <h2 id="locked-title" className={styles.lockedTitle}>
          {t("library.lockedTitle")}
        </h2>
        <p className={styles.lockedBody}>{t("library.lockedBody")}</p>
        <div className={styles.actions}>
          <Link className={buttonClassName()} to="/#pricing">
            {t("library.lockedCta")}
          </Link>
          {signedIn ? null : (
            <span className={styles.muted}>
              {t("library.signInHint")} <Link to={signInHref}>{t("library.signIn")}</Link>
            </span>
          )}
        </div>
      </section>
      {previewsPending ? (
        <LibrarySkeleton />
      ) : previews.length > 0 ? (
        <LockedRows previews={previews} unlockedBy={unlockedBy} label={t("library.title")} />
      ) : null}
    </div>
  );
}
