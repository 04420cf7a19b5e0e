import type { Mail } from "./mail-inbox.ts";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function body(m: Mail): string {
  if (m.link !== undefined) {
    return `<p><a href="${escapeHtml(m.link)}">Log in</a> or enter the code <code>${escapeHtml(m.code ?? "")}</code></p>
  <p class="link">${escapeHtml(m.link)}</p>`;
  }
  // A mail sent through the Resend stand-in: its HTML in a sandboxed frame (no scripts), its text part.
  const html = m.html
    ? `<iframe sandbox title="${escapeHtml(m.subject)}" srcdoc="${escapeHtml(m.html)}"></iframe>`
    : "";
  const text = m.text ? `<details><summary>Plain text</summary><pre>${escapeHtml(m.text)}</pre></details>` : "";
  return `<div class="meta">from ${escapeHtml(m.from ?? "")} · Resend id ${escapeHtml(m.resendId ?? "")}</div>
  ${html}
  ${text}`;
}

/** The mail catcher's HTML page: every mail (magic links, sent emails), newest first. */
export function renderInboxPage(mails: readonly Mail[]): string {
  const items = mails
    .map(
      (m) => `<li>
  <div class="meta"><strong>${escapeHtml(m.to)}</strong> · ${escapeHtml(m.sentAt.toISOString())}</div>
  <div class="subject">${escapeHtml(m.subject)}</div>
  ${body(m)}
</li>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox inbox</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  h1 { font-size: 1.4rem; }
  ul { list-style: none; padding: 0; }
  li { border: 1px solid #ddd; border-radius: 8px; padding: .75rem 1rem; margin-bottom: .75rem; }
  .meta { color: #555; font-size: .85rem; }
  .subject { font-weight: 600; }
  .link { font-size: .8rem; color: #666; word-break: break-all; }
  iframe { width: 100%; height: 24rem; border: 1px solid #eee; border-radius: 6px; }
  pre { white-space: pre-wrap; font-size: .85rem; }
  code { background: #f3f3f3; padding: 0 .3rem; border-radius: 4px; }
</style>
</head>
<body>
<h1>Sandbox inbox</h1>
<p>Mails the stand-ins would have sent (magic links, and emails sent through the Resend stand-in). Nothing leaves this machine.</p>
${mails.length ? `<ul>\n${items}\n</ul>` : "<p><em>No mail yet.</em></p>"}
</body>
</html>
`;
}
