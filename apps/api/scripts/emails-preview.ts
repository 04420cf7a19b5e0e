// `npm run emails:preview`: renders every lifecycle email in English and French, with sample
// amounts and dates, into .emails-preview/ (HTML and plain text, and an index page to open).
//   --out=<dir>   where to write (default <repo>/.emails-preview)
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EMAIL_KINDS, linksFor } from "../src/emails/email-copy.ts";
import { renderEmail } from "../src/emails/render-email.ts";
import { SAMPLE_EMAIL_PAYLOAD as sample } from "../src/emails/sample-payload.ts";

const repo = resolve(import.meta.dirname, "..", "..", "..");
const out = process.argv.find((a) => a.startsWith("--out="))?.slice(6) ?? join(repo, ".emails-preview");
const links = linksFor(process.env.APP_URL ?? "http://127.0.0.1:5173");
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

mkdirSync(out, { recursive: true });
const rows: string[] = [];
for (const kind of EMAIL_KINDS) {
  for (const locale of ["en", "fr"] as const) {
    const email = renderEmail(kind, locale, { ...sample, amount: kind === "purchase_receipt" ? 14900 : 1900 }, links);
    const name = `${kind}.${locale}`;
    writeFileSync(join(out, `${name}.html`), email.html);
    writeFileSync(join(out, `${name}.txt`), `Subject: ${email.subject}\n\n${email.text}`);
    rows.push(
      `<tr><td>${kind}</td><td>${locale}</td><td><a href="${name}.html">${escapeHtml(email.subject)}</a></td><td><a href="${name}.txt">text</a></td></tr>`,
    );
  }
}
writeFileSync(
  join(out, "index.html"),
  `<!doctype html><meta charset="utf-8"><title>Gatehouse emails</title><style>body{font:15px system-ui;margin:2rem}td{padding:.3rem .8rem;border-bottom:1px solid #eee}</style><h1>Lifecycle emails</h1><table>${rows.join("")}</table>`,
);
console.log(`wrote ${rows.length} emails (HTML + text) to ${out}; open ${join(out, "index.html")}`);
