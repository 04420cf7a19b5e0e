// The entry of a page that paints from its HTML (`/`, `/library`) starts after the first frame
// (issue 20). With its <script type="module"> in <head>, the browser downloads the entry and its
// modulepreloads as it parses and compiles the entry (about 0.3 s at 4× CPU throttling) before the
// first paint of a page whose HTML is already complete. The build moves those tags into
// <template id="gh-entry"> (build/shell-html.ts, ShellPage.entryAfterPaint), which nothing fetches;
// the shell script (shell-script.ts) puts them back as elements once the page has painted, all at
// once, so the chunks still download side by side. What the app does once it runs is unchanged
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

/** What entryAfterFirstFrame needs of the window. */
export interface FrameClock {
  requestAnimationFrame(callback: () => void): unknown;
  setTimeout(callback: () => void, ms: number): unknown;
}

/**
 * Runs `start` once, in the task after the next frame (a frame's callbacks run before its paint;
 * the task queued from one runs after it). Returns a function that runs it now instead, for when
 * there is nothing to paint first (the shell was dropped) or no frame will come (a hidden tab does
 * not render). Either way `start` runs once.
 */
export function afterFirstFrame(start: () => void, clock: FrameClock): () => void {
  let started = false;
  const once = () => {
    if (started) return;
    started = true;
    start();
  };
  clock.requestAnimationFrame(() => clock.setTimeout(once, 0));
  return once;
}
