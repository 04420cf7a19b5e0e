/** Escapes text for HTML content and attribute values. */
export function esc(s: string | number | null | undefined): string {
  return String(s ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function money(amount: number | null, currency: string, lang: "en" | "fr"): string {
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format((amount ?? 0) / 100);
}

export function date(unix: number, lang: "en" | "fr"): string {
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-US", { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(unix * 1000),
  );
}

/** The page frame shared by the hosted checkout and portal pages. */
export function layout(opts: { lang: "en" | "fr"; title: string; body: string }): string {
  return `<!doctype html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(opts.title)}</title>
<style>
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #f6f8fa; color: #1a1f36; }
  .banner { background: #fff4e5; color: #7a4a00; text-align: center; font-size: 13px; padding: 6px; border-bottom: 1px solid #f5d9a8; }
  main { display: grid; grid-template-columns: 1fr 1fr; min-height: calc(100vh - 30px); }
  .summary { background: #ffffff; padding: 64px 48px; border-right: 1px solid #e3e8ee; }
  .pane { padding: 64px 48px; max-width: 520px; }
  .merchant { font-weight: 600; color: #4f566b; margin-bottom: 32px; }
  .back { color: #4f566b; text-decoration: none; font-size: 14px; }
  .back:hover { text-decoration: underline; }
  h1 { font-size: 16px; font-weight: 500; color: #697386; margin: 24px 0 4px; }
  .amount { font-size: 36px; font-weight: 700; margin: 0; }
  .per { font-size: 15px; color: #697386; font-weight: 400; }
  .trial { display: inline-block; margin-top: 12px; padding: 4px 10px; border-radius: 12px; background: #d7f7c2; color: #05690d; font-size: 13px; font-weight: 600; }
  .line { display: flex; justify-content: space-between; margin-top: 32px; padding-top: 16px; border-top: 1px solid #e3e8ee; font-size: 14px; }
  form { display: grid; gap: 16px; }
  label { display: grid; gap: 6px; font-size: 14px; color: #4f566b; font-weight: 500; }
  input, select { width: 100%; min-width: 0; box-sizing: border-box; font: inherit; font-size: 16px; padding: 10px 12px; border: 1px solid #d5dbe1; border-radius: 6px; background: #fff; color: #1a1f36; }
  input:focus, select:focus { outline: 2px solid #635bff; outline-offset: 0; border-color: #635bff; }
  .row { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; align-items: end; }
  fieldset { border: 0; padding: 0; margin: 0; display: grid; gap: 12px; min-width: 0; }
  legend { font-size: 14px; color: #4f566b; font-weight: 500; margin-bottom: 6px; }
  button, .button { font: inherit; font-size: 16px; font-weight: 600; padding: 12px 16px; border: 0; border-radius: 6px; background: #635bff; color: #fff; cursor: pointer; text-align: center; text-decoration: none; }
  button:hover, .button:hover { background: #5146e0; }
  button.secondary { background: #fff; color: #1a1f36; border: 1px solid #d5dbe1; }
  button.danger { background: #fff; color: #c0123c; border: 1px solid #f0b4c4; }
  .error { background: #fde8ec; color: #a50e30; border: 1px solid #f7b6c5; border-radius: 6px; padding: 10px 12px; font-size: 14px; }
  .hint { font-size: 13px; color: #697386; }
  .card { background: #fff; border: 1px solid #e3e8ee; border-radius: 8px; padding: 24px; display: grid; gap: 12px; margin-bottom: 16px; }
  .status { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e3e8ee; color: #3c4257; }
  .status.active, .status.trialing { background: #d7f7c2; color: #05690d; }
  .status.past_due, .status.unpaid { background: #fde8ec; color: #a50e30; }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; }
  .invoices { list-style: none; padding: 0; margin: 0; }
  .invoices .line { margin-top: 0; padding: 10px 0; gap: 12px; align-items: center; }
  .status.paid { background: #d7f7c2; color: #05690d; }
  .actions form { display: inline; }
  .center { max-width: 480px; margin: 96px auto; text-align: center; display: grid; gap: 16px; padding: 0 24px; }
  @media (max-width: 760px) { main { grid-template-columns: 1fr; } .summary, .pane { padding: 32px 24px; } }
</style>
</head>
<body>
<div class="banner" role="note">${opts.lang === "fr" ? "Bac à sable Gatehouse : mode test, aucun paiement réel" : "Gatehouse sandbox: test mode, no real payments"}</div>
${opts.body}
</body>
</html>`;
}
