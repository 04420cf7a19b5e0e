import { type AccessChange, type AccessFacts, accessSentence, describeChange } from "@gatehouse/types";
import { useI18n } from "@/features/i18n/index.ts";
import { formatLongDate } from "../format-date.ts";
import styles from "./access-story.module.css";

interface AccessStoryProps {
  facts: AccessFacts;
  /** Newest first. */
  history: readonly (AccessChange & { id: number })[];
  now?: Date;
  /** Heading level of the timeline's title (the console nests it deeper). */
  headingLevel?: 2 | 3;
}

/** The plain sentence (where the user stands and why) and the access history as a short timeline. */
export function AccessStory({ facts, history, now = new Date(), headingLevel = 2 }: AccessStoryProps) {
  const { t, locale, intlLocale } = useI18n();
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const sentence = accessSentence(facts, history, { locale, now, timeZone });
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className={styles.story} aria-labelledby="access-story-title">
      <p className={styles.sentence} data-testid="access-sentence">
        {sentence}
      </p>
      <Heading id="access-story-title" className={styles.title}>
        {t("account.history.title")}
      </Heading>
      {history.length === 0 ? (
        <p className={styles.empty}>{t("account.history.empty")}</p>
      ) : (
        <ol className={styles.timeline} data-testid="access-history">
          {history.map((c) => {
            const { what, why } = describeChange(c, locale);
            return (
              <li key={c.id} className={styles.item}>
                <time dateTime={c.at} className={styles.when}>
                  {formatLongDate(c.at, intlLocale)}
                </time>
                <span className={styles.what}>{what}</span>
                <span className={styles.why} data-cause={c.cause}>
                  {why}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
