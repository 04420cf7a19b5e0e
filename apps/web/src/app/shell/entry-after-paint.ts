// The entry of a page that paints from its HTML (`/`, `/library`) starts after the first frame
// (issue 20). With its <script type="module"> in <head>, the browser downloads the entry and its
// modulepreloads as it parses and compiles the entry (about 0.3 s at 4× CPU throttling) before the
// first paint of a page whose HTML is already complete. The build moves those tags into
// <template id="gh-entry"> (build/shell-html.ts, ShellPage.entryAfterPaint), which nothing fetches;
// the shell script (shell-script.ts) puts them back as elements once the browser reports the
// page's first contentful paint, all at once, so the chunks still download side by side. What the app does once it runs is unchanged
// (main.tsx hydrates the same HTML).

/** The <template> the build puts the entry's tags in (build/shell-html.ts writes it). */
export const ENTRY_TEMPLATE_ID = "gh-entry";

/**
 * Creates the elements `<template id="gh-entry">` holds (the module script and the modulepreload
 * links) at the end of <head>, where they start loading; removes the template. A parsed template's
 * content is inert and cloning it would keep the scripts from running: each element is created
 * anew with the same attributes. False when the page has no such template (nothing to start).
 */
export function startEntry(doc: Document): boolean {
  const template = doc.getElementById(ENTRY_TEMPLATE_ID);
  if (!(template instanceof HTMLTemplateElement)) return false;
  template.remove();
  for (const tag of Array.from(template.content.children)) {
    const element = doc.createElement(tag.localName);
    for (const { name, value } of Array.from(tag.attributes)) element.setAttribute(name, value);
    doc.head.append(element);
  }
  return true;
}

/** What afterFirstPaint needs of the browser (browserPaintWatch: the window's). */
export interface PaintWatch {
  /** Calls `callback` once the browser has reported the page's first contentful paint; false when it cannot tell. */
  onFirstContentfulPaint(callback: () => void): boolean;
  /** Calls `callback` when the page is hidden (a hidden tab does not paint). */
  onHidden(callback: () => void): void;
  requestAnimationFrame(callback: () => void): unknown;
  setTimeout(callback: () => void, ms: number): unknown;
}

/** However the paint goes, the app starts this long after the shell script at the latest. */
export const ENTRY_START_AT_LATEST_MS = 3000;

/**
 * Runs `start` once, when the browser reports the first contentful paint (the paint timing entry
 * comes once the frame is on screen: a frame's own callbacks run before it is presented, and a
 * headless browser can present its first frame long after), or when the page is hidden; where the
 * browser does not report paints, in the task after the next frame. At the latest
 * ENTRY_START_AT_LATEST_MS after this call. Returns a function that runs it now instead, for when
 * there is nothing to paint first (the shell was dropped).
 */
export function afterFirstPaint(start: () => void, watch: PaintWatch): () => void {
  let started = false;
  const once = () => {
    if (started) return;
    started = true;
    start();
  };
  if (!watch.onFirstContentfulPaint(once)) watch.requestAnimationFrame(() => watch.setTimeout(once, 0));
  watch.onHidden(once);
  watch.setTimeout(once, ENTRY_START_AT_LATEST_MS);
  return once;
}

/** The browser's PaintWatch: paint timing (PerformanceObserver), visibilitychange, frames and timers. */
export function browserPaintWatch(win: Window & typeof globalThis): PaintWatch {
  return {
    onFirstContentfulPaint(callback) {
      const Observer = win.PerformanceObserver as typeof PerformanceObserver | undefined;
      if (!Observer?.supportedEntryTypes?.includes("paint")) return false;
      const observer = new Observer((list) => {
        if (!list.getEntriesByName("first-contentful-paint").length) return;
        observer.disconnect();
        callback();
      });
      observer.observe({ type: "paint", buffered: true });
      return true;
    },
    onHidden(callback) {
      const doc = win.document;
      if (doc.visibilityState === "hidden") callback();
      else doc.addEventListener("visibilitychange", () => doc.visibilityState === "hidden" && callback());
    },
    requestAnimationFrame: (callback) => win.requestAnimationFrame(callback),
    setTimeout: (callback, ms) => win.setTimeout(callback, ms),
  };
}
