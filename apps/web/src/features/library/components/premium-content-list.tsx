import { useEffect, useRef } from "react";
import { timingMark } from "@/lib/timing-mark.ts";
import type { Lesson } from "../api/get-premium-content.ts";
import styles from "./library.module.css";

/**
 * The unlocked lessons. Bodies are plain text; blank lines separate paragraphs. `onPainted` is
 * called once, the frame after they were first committed.
 */
export function PremiumContentList({ lessons, onPainted }: { lessons: Lesson[]; onPainted?: () => void }) {
  const onPaintedRef = useRef(onPainted);
  useEffect(() => {
    onPaintedRef.current = onPainted;
  }, [onPainted]);
  useEffect(() => {
    // The frame after the commit: about when the lessons reach the screen.
    const frame = requestAnimationFrame(() => {
      timingMark("gh:content-rendered");
      onPaintedRef.current?.();
    });
    return () => cancelAnimationFrame(frame);
  }, []);
  return (
    <ol className={styles.list} data-testid="premium-content">
      {lessons.map((lesson, index) => (
        <li key={lesson.slug}>
          <article className={styles.lesson} aria-labelledby={`lesson-${lesson.slug}`}>
            <div className={styles.lessonHeader}>
              <span className={styles.number} aria-hidden="true">
                {index + 1}
              </span>
              <h2 id={`lesson-${lesson.slug}`} className={styles.lessonTitle}>
                {lesson.title}
              </h2>
            </div>
            {lesson.summary ? <p className={styles.summary}>{lesson.summary}</p> : null}
            <div className={styles.body}>
              {lesson.body
                .split(/\n\s*\n/)
                .filter((paragraph) => paragraph.trim().length > 0)
                .map((paragraph, i) => (
                  <p key={i}>{paragraph}</p>
                ))}
            </div>
          </article>
        </li>
      ))}
    </ol>
  );
}
