// The lifecycle emails' layout, from React Email components, rendered to static HTML with
// react-dom/server (its workerd build), at send time in the worker. Plain createElement calls (no
// JSX) so that Node runs this file as it is for `npm run emails:preview`.
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
import {
  type EmailCopy,
  type EmailKind,
  type EmailLinks,
  type EmailLocale,
  type EmailPayload,
  emailCopy,
  plainText,
} from "./email-copy.ts";

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

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function renderEmail(
  kind: EmailKind,
  locale: EmailLocale,
  payload: EmailPayload,
  links: EmailLinks,
): RenderedEmail {
  const copy = emailCopy(kind, locale, payload, links);
  const html = `<!DOCTYPE html>${renderToStaticMarkup(h(LifecycleEmail, { copy, locale, links }))}`;
  return { subject: copy.subject, html, text: plainText(copy) };
}
