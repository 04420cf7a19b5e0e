import { describe, expect, it } from "vitest";
import { shellHtml, shellMarkup, stylesheetsOf } from "./shell-html.ts";

const index = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <script type="module" crossorigin src="/assets/index-a.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/button-b.css">
    <link rel="stylesheet" crossorigin href="/assets/index-c.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>`;

describe("shell HTML", () => {
  it("names the stylesheets index.html links, relative to the output folder", () => {
    expect(stylesheetsOf(index)).toEqual(["assets/button-b.css", "assets/index-c.css"]);
  });

  it("puts the English render in #root with what the inline script checks, the French one as text, the CSS inline", () => {
    const html = shellHtml(
      index,
      { path: "/billing/success", file: "billing/success.html", requires: ["session_id"], varies: ["a", "b"] },
      { en: "<h1>Hello</h1>", fr: "<h1>Bonjour</h1>" },
      { script: "run()", style: ".a{color:red}" },
    );
    expect(html).toContain(
      '<div id="root" data-shell="/billing/success" data-shell-locale="en" data-shell-requires="session_id" data-shell-varies="a,b"><h1>Hello</h1></div><script type="text/html" id="gh-shell-fr"><h1>Bonjour</h1></script><script>run()</script>',
    );
    expect(html).toContain("<style>.a{color:red}</style>");
    expect(html).not.toContain('rel="stylesheet"');
    expect(html).toContain('<script type="module" crossorigin src="/assets/index-a.js"></script>');
  });

  it("puts a page's head script first in its <head>, after the charset (it runs as soon as the HTML is parsed)", () => {
    const page = { path: "/billing/success", file: "billing/success.html", headScript: "src/x.ts" };
    const rendered = { en: "<p>Hi</p>", fr: "<p>Salut</p>" };
    const html = shellHtml(index, page, rendered, { script: "run()", style: ".a{}", headScript: "sync()" });
    expect(html).toContain('<head>\n    <meta charset="UTF-8" />\n<script>sync()</script>');
    // Before the entry's module script and the inline CSS.
    expect(html.indexOf("<script>sync()</script>")).toBeLessThan(html.indexOf('<script type="module"'));
    expect(html.indexOf("<script>sync()</script>")).toBeLessThan(html.indexOf("<style>"));
    expect(html.indexOf("<script>sync()</script>")).toBeLessThan(html.indexOf('<div id="root"'));
    expect(html.match(/<script>/g)).toHaveLength(2);
    expect(shellHtml(index, page, rendered, { script: "run()", style: "" }).match(/<script>/g)).toHaveLength(1);
    expect(() => shellHtml(index, page, rendered, { script: "", style: "", headScript: "'</script>'" })).toThrow(
      /head script/,
    );
  });

  it("puts a visitor's render in #root and the render with a session as text, #root marked for the inline script", () => {
    const page = { path: "/library", file: "library.html", visitor: true };
    const inline = { script: "run()", style: "" };
    const html = shellHtml(
      index,
      page,
      { en: "<p>Locked</p>", fr: "<p>Verrouillé</p>", session: { en: "<p>Loading</p>", fr: "<p>Chargement</p>" } },
      inline,
    );
    expect(html).toContain(
      '<div id="root" data-shell="/library" data-shell-locale="en" data-shell-visitor><p>Locked</p></div>' +
        '<script type="text/html" id="gh-shell-fr"><p>Verrouillé</p></script>' +
        '<script type="text/html" id="gh-shell-en-session"><p>Loading</p></script>' +
        '<script type="text/html" id="gh-shell-fr-session"><p>Chargement</p></script><script>run()</script>',
    );
    expect(() => shellHtml(index, page, { en: "", fr: "" }, inline)).toThrow(/no render with a session/);
    expect(() => shellHtml(index, page, { en: "", fr: "", session: { en: "</script>", fr: "" } }, inline)).toThrow(
      /English render with a session contains/,
    );
  });

  it("moves style attributes out of the markup (the CSP refuses them; the inline script applies them)", () => {
    expect(shellMarkup('<span class="s" style="width:40%;height:1rem"></span>')).toBe(
      '<span class="s" data-shell-style="width:40%;height:1rem"></span>',
    );
  });

  it("refuses an index.html without an empty #root or a stylesheet, and inline text that would close its element", () => {
    const page = { path: "/", file: "index.html" };
    const rendered = { en: "", fr: "" };
    expect(() => shellHtml("<body></body>", page, rendered, { script: "", style: "" })).toThrow(/no <div id="root">/);
    expect(() => shellHtml(index.replace(/<link[^>]*>/g, ""), page, rendered, { script: "", style: "" })).toThrow(
      /no stylesheet/,
    );
    expect(() => shellHtml(index, page, rendered, { script: "'</script>'", style: "" })).toThrow(/<\/script/);
    expect(() => shellHtml(index, page, rendered, { script: "", style: "a{content:'</style>'}" })).toThrow(/<\/style/);
    expect(() => shellHtml(index, page, { en: "", fr: "</script>" }, { script: "", style: "" })).toThrow(/French/);
  });
});
