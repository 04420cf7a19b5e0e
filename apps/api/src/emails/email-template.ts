// The lifecycle emails' layout, from React Email components. Not in the worker: `npm run
// emails:layout` renders it once, with placeholders, into email-layout.generated.ts, which the
// worker fills (render-email.ts) without React (react-dom/server was ~40% of the worker bundle).
// render-email.test.ts checks the generated layout is current and that both render the same bytes.
// Plain createElement calls (no JSX) so that Node runs this file as it is.
import { Body } from "@react-email/body";
import { Button } from "@react-email/button";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Heading } from "@react-email/heading";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Link } from "@react-email/link";
import { Preview } from "@react-email/preview";
import { Text } from "@react-email/text";
import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { EmailCopy, EmailLinks, EmailLocale } from "./email-copy.ts";
import { PREVIEW_MAX_LENGTH, PREVIEW_WHITESPACE } from "./render-email.ts";

const page = { backgroundColor: "#f6f6f4", fontFamily: "system-ui, -apple-system, Segoe UI, sans-serif", margin: 0 };
const card = {
  backgroundColor: "#ffffff",
  borderRadius: "8px",
  margin: "32px auto",
  maxWidth: "560px",
  padding: "32px",
};
const button = {
  backgroundColor: "#1a1a1a",
  borderRadius: "6px",
  color: "#ffffff",
  display: "inline-block",
  fontWeight: 600,
  padding: "12px 20px",
  textDecoration: "none",
};
const muted = { color: "#666666", fontSize: "13px", lineHeight: "20px" };

export function LifecycleEmail({ copy, locale, links }: { copy: EmailCopy; locale: EmailLocale; links: EmailLinks }) {
  return h(
    Html,
    { lang: locale },
    h(Head, null),
    h(Preview, null, copy.preview),
    h(
      Body,
      { style: page },
      h(
        Container,
        { style: card },
        h(Text, { style: { fontWeight: 700, letterSpacing: "0.02em", margin: "0 0 16px" } }, "Gatehouse"),
        h(Heading, { as: "h1", style: { fontSize: "22px", margin: "0 0 16px" } }, copy.heading),
        ...copy.paragraphs.map((p) => h(Text, { key: p, style: { fontSize: "15px", lineHeight: "24px" } }, p)),
        h(Button, { href: copy.action.url, style: button }, copy.action.label),
        h(Hr, { style: { borderColor: "#eeeeee", margin: "28px 0 16px" } }),
        h(Text, { style: muted }, `${copy.footer} `, h(Link, { href: links.account }, links.account)),
      ),
    ),
  );
}

/** The email as React Email renders it (the reference the worker's render must equal). */
export function renderWithReactEmail(copy: EmailCopy, locale: EmailLocale, links: EmailLinks): string {
  return `<!DOCTYPE html>${renderToStaticMarkup(h(LifecycleEmail, { copy, locale, links }))}`;
}

/** The placeholders of the generated layout, each filled (escaped) by render-email.ts. */
export const SLOT = {
  lang: "%%LANG%%",
  preview: "%%PREVIEW%%",
  previewPadding: "%%PREVIEW_PADDING%%",
  heading: "%%HEADING%%",
  paragraphs: "%%PARAGRAPHS%%",
  paragraph: "%%PARAGRAPH%%",
  actionUrl: "%%ACTION_URL%%",
  actionLabel: "%%ACTION_LABEL%%",
  footer: "%%FOOTER%%",
  accountUrl: "%%ACCOUNT_URL%%",
} as const;

/** The layout with placeholders: the page, and one paragraph (repeated for each of the copy's). */
export function layoutFromReactEmail(): { page: string; paragraph: string } {
  const copy: EmailCopy = {
    subject: "",
    preview: SLOT.preview,
    heading: SLOT.heading,
    paragraphs: [SLOT.paragraph],
    action: { label: SLOT.actionLabel, url: SLOT.actionUrl },
    footer: SLOT.footer,
  };
  const links: EmailLinks = { account: SLOT.accountUrl, portal: "", library: "", pricing: "" };
  let page = renderWithReactEmail(copy, SLOT.lang as EmailLocale, links);
  const padding = `<div>${PREVIEW_WHITESPACE.repeat(PREVIEW_MAX_LENGTH - SLOT.preview.length)}</div>`;
  const paragraph = new RegExp(`<p [^>]*>${SLOT.paragraph}</p>`).exec(page)?.[0];
  if (!page.includes(padding) || !paragraph)
    throw new Error("React Email's layout changed: update layoutFromReactEmail");
  page = page.replace(padding, SLOT.previewPadding).replace(paragraph, SLOT.paragraphs);
  for (const slot of Object.values(SLOT)) {
    const count = (slot === SLOT.paragraph ? paragraph : page).split(slot).length - 1;
    if (count < 1) throw new Error(`${slot} is missing from the layout`);
  }
  return { page, paragraph };
}
