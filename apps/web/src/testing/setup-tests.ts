import { cleanup } from "@testing-library/react";
import { afterEach, beforeAll } from "vitest";
import { loadDictionary } from "@/features/i18n/dictionaries.ts";

// The app loads French on demand (main.tsx, before the first render); tests render either language at once.
beforeAll(async () => {
  await loadDictionary("fr");
});

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
