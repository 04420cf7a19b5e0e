// The lifecycle emails' HTML, at send time in the worker: the React Email layout rendered once into
// email-layout.generated.ts (`npm run emails:layout`), filled with the copy, escaped as React
// escapes. Byte for byte what React Email renders (render-email.test.ts), without React in the worker.
import {
  type EmailKind,
  type EmailLinks,
  type EmailLocale,
  type EmailPayload,
  emailCopy,
  plainText,
} from "./email-copy.ts";
import { EMAIL_LAYOUT } from "./email-layout.generated.ts";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** React Email's Preview: the text cut at 150 characters, padded with invisible characters up to 150. */
export const PREVIEW_MAX_LENGTH = 150;
export const PREVIEW_WHITESPACE = "\xA0\u200C\u200B\u200D\u200E\u200F\uFEFF";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };
/** react-dom/server's escaping of text and attribute values. */
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** Replaces every %%NAME%% in one pass (a value that looks like a placeholder stays as it is). */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/%%([A-Z_]+)%%/g, (slot, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${slot}`);
    return value;
  });
}

export function renderEmail(
  kind: EmailKind,
  locale: EmailLocale,
  payload: EmailPayload,
  links: EmailLinks,
): RenderedEmail {
  const copy = emailCopy(kind, locale, payload, links);
  const preview = copy.preview.substring(0, PREVIEW_MAX_LENGTH);
  const html = fill(EMAIL_LAYOUT.page, {
    LANG: escapeHtml(locale),
    PREVIEW: escapeHtml(preview),
    PREVIEW_PADDING:
      preview.length < PREVIEW_MAX_LENGTH
        ? `<div>${PREVIEW_WHITESPACE.repeat(PREVIEW_MAX_LENGTH - preview.length)}</div>`
        : "",
    HEADING: escapeHtml(copy.heading),
    PARAGRAPHS: copy.paragraphs.map((p) => fill(EMAIL_LAYOUT.paragraph, { PARAGRAPH: escapeHtml(p) })).join(""),
    ACTION_URL: escapeHtml(copy.action.url),
    ACTION_LABEL: escapeHtml(copy.action.label),
    FOOTER: escapeHtml(copy.footer),
    ACCOUNT_URL: escapeHtml(links.account),
  });
  return { subject: copy.subject, html, text: plainText(copy) };
}
