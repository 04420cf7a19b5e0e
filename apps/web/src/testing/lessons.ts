import type { Lesson } from "@/features/library/api/get-premium-content.ts";

/** One lesson of the basic library, as the premium_content read returns it. */
export const LESSON: Lesson = {
  slug: "one",
  title: "One",
  summary: "The first",
  body: "Body",
  feature: "library.basic",
  position: 1,
};
