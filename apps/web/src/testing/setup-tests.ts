import { cleanup } from "@testing-library/react";
import { afterEach, beforeAll } from "vitest";
import { loadDictionary, loadPageMessages } from "@/features/i18n/dictionaries.ts";

// The app loads French on demand (main.tsx, before the first render) and the pages' English texts with
// the pages (router.tsx); tests render any page in either language at once.
beforeAll(async () => {
  await Promise.all([loadDictionary("fr"), loadPageMessages()]);
});

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
