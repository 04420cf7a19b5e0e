// The HTML of a prerendered page: the client build's index.html with the page's first render in
// #root (English), the other language's (and, for a page that differs for a visitor, the renders
// with a session) as text in a <script type="text/html"> (not parsed into DOM unless the visitor needs
// it), the inline script that picks, and the
// page's CSS inline instead of its stylesheet links (see prerender-plugin.ts and
// src/app/shell/shell-script.ts).

import { ENTRY_TEMPLATE_ID } from "../src/app/shell/entry-after-paint.ts";

export interface ShellPage {
  /** The path the page answers (`/`, `/library`). */
  path: string;
  /** Its file in dist/ (`index.html`, `library.html`, `billing/success.html`). */
  file: string;
  /** The page's lazy module, whose CSS the shell needs too (`src/app/routes/library.tsx`). */
  module?: string;
  /** The URL rendered, when the page's first render needs a query (`/billing/success?session_id=…`). */
  location?: string;
  /** Query parameters that must be present for the shell to stand (`session_id`). */
  requires?: string[];
  /** Query parameters whose presence changes the first render (`checkout`): no shell then. */
  varies?: string[];
  /**
   * A module bundled into an inline script at the end of the page's <head>, which runs as the HTML
   * is parsed, before the entry has loaded (`src/app/shell/success-sync-script.ts`: the success
   * page's sync).
   */
  headScript?: string;
  /**
   * The first render differs for a visitor (`/library`: the locked state at once for a browser that
   * holds no Supabase session, the skeleton until the session is restored for one that does;
   * src/features/auth/saved-session.ts). #root holds the visitor's render; the render with a
   * session is text the inline script swaps in. The page's head script
   * (src/app/shell/session-mark-script.ts) hides the visitor's render from a browser holding a
   * session until then, so a member never sees it, even painted mid-parse.
   */
  visitor?: boolean;
  /**
   * The entry starts after the page's first frame (`/`, `/library`): the head's module script and
   * modulepreload links go into a `<template id="gh-entry">`, inert, which the shell script turns
   * back into elements once the HTML has painted (src/app/shell/entry-after-paint.ts). The browser
   * would otherwise download and compile the entry before the first paint of a page whose HTML is
   * complete. Not for a page whose boot is on a critical path from its first byte (the success page).
   */
  entryAfterPaint?: boolean;
}

/** A page's renders, English and French: as a visitor's browser draws them first, and with a session for a `visitor` page. */
export interface ShellRenders {
  en: string;
  fr: string;
  session?: { en: string; fr: string } | undefined;
}

const ROOT = '<div id="root"></div>';
const HEAD_END = "</head>";
const STYLESHEET = /<link rel="stylesheet"[^>]*href="([^"]+)"[^>]*>\s*/g;
/** The entry's module script and the modulepreload links Vite writes into <head>. */
const ENTRY_TAGS = /(?:<script type="module"[^>]*\ssrc="[^"]+"[^>]*><\/script>|<link rel="modulepreload"[^>]*>)\s*/g;

const attr = (value: string) => value.replaceAll("&", "&amp;").replaceAll('"', "&quot;");

/** The files of index.html's stylesheet links, relative to the output folder. */
export function stylesheetsOf(indexHtml: string, base = "/"): string[] {
  return [...indexHtml.matchAll(STYLESHEET)].map((m) => (m[1] as string).slice(base.length));
}

/**
 * `style` attributes become `data-shell-style`: the CSP does not allow style attributes in HTML, so
 * the inline script applies them (through the DOM, which the CSP allows) before the first paint.
 */
export function shellMarkup(rendered: string): string {
  return rendered.replaceAll(' style="', ' data-shell-style="');
}

/**
 * The entry's module script and modulepreload links, moved from where Vite put them into one inert
 * `<template>` at the first one's place (neither the parser nor the preload scanner fetches what a
 * template holds). Throws when there is no module script: the page would never start.
 */
export function entryInTemplate(html: string): string {
  const tags: string[] = [];
  let at = -1;
  const rest = html.replace(ENTRY_TAGS, (tag, offset: number) => {
    if (at < 0) at = offset;
    tags.push(tag.trim());
    return "";
  });
  if (!tags.some((t) => t.startsWith("<script")))
    throw new Error("index.html has no module script to start after the paint");
  return `${rest.slice(0, at)}<template id="${ENTRY_TEMPLATE_ID}">${tags.join("")}</template>\n${rest.slice(at)}`;
}

export function shellHtml(
  indexHtml: string,
  page: ShellPage,
  rendered: ShellRenders,
  inline: { script: string; style: string; headScript?: string },
): string {
  if (!indexHtml.includes(ROOT)) throw new Error(`index.html has no ${ROOT} to put the shell in`);
  if (inline.script.includes("</script")) throw new Error("the shell's inline script contains </script");
  if (inline.headScript?.includes("</script")) throw new Error("the page's head script contains </script");
  if (inline.headScript && !indexHtml.includes(HEAD_END)) throw new Error(`index.html has no ${HEAD_END}`);
  if (inline.style.includes("</style")) throw new Error("the shell's CSS contains </style");
  const texts: Array<[id: string, text: string, name: string]> = [["gh-shell-fr", rendered.fr, "French render"]];
  if (page.visitor) {
    if (!rendered.session) throw new Error(`no render with a session for ${page.path}`);
    texts.push(
      ["gh-shell-en-session", rendered.session.en, "English render with a session"],
      ["gh-shell-fr-session", rendered.session.fr, "French render with a session"],
    );
  }
  for (const [, text, name] of texts) if (text.includes("</script")) throw new Error(`the ${name} contains </script`);
  const attributes = [
    `data-shell="${attr(page.path)}"`,
    'data-shell-locale="en"',
    page.requires?.length ? `data-shell-requires="${attr(page.requires.join(","))}"` : "",
    page.varies?.length ? `data-shell-varies="${attr(page.varies.join(","))}"` : "",
    page.visitor ? "data-shell-visitor" : "",
  ].filter(Boolean);
  let links = 0;
  let styled = indexHtml.replace(STYLESHEET, () => (links++ === 0 ? `<style>${inline.style}</style>\n` : ""));
  if (links === 0) throw new Error("index.html links no stylesheet to inline");
  if (page.entryAfterPaint) styled = entryInTemplate(styled);
  // At the end of <head>: first in it, it ran before the preload scanner had asked for the entry and
  // its chunks, and the success page measured slower (time_to_unlock p50 690 vs 623 ms, 2026-12-03).
  if (inline.headScript) styled = styled.replace(HEAD_END, () => `<script>${inline.headScript}</script>\n${HEAD_END}`);
  return styled.replace(
    ROOT,
    () =>
      `<div id="root" ${attributes.join(" ")}>${shellMarkup(rendered.en)}</div>` +
      texts.map(([id, text]) => `<script type="text/html" id="${id}">${shellMarkup(text)}</script>`).join("") +
      `<script>${inline.script}</script>`,
  );
}
