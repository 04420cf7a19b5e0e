import { describe, expect, it } from "vitest";
import { entryInTemplate, shellHtml, shellMarkup, stylesheetsOf } from "./shell-html.ts";

const index = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <script type="module" crossorigin src="/assets/index-a.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/react-d.js">
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

  it("puts a page's head script at the end of its <head>, before the body's shell (it runs as the HTML is parsed)", () => {
    const page = { path: "/billing/success", file: "billing/success.html", headScript: "src/x.ts" };
    const rendered = { en: "<p>Hi</p>", fr: "<p>Salut</p>" };
    const html = shellHtml(index, page, rendered, { script: "run()", style: "", headScript: "sync()" });
    expect(html).toContain("<script>sync()</script>\n</head>");
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

  it("moves the entry's script and modulepreloads into an inert template for a page whose entry starts after its paint", () => {
    const page = { path: "/", file: "index.html", entryAfterPaint: true };
    const html = shellHtml(index, page, { en: "<h1>Hi</h1>", fr: "" }, { script: "run()", style: "" });
    expect(html).toContain(
      '<meta charset="UTF-8" />\n    <template id="gh-entry"><script type="module" crossorigin src="/assets/index-a.js"></script>' +
        '<link rel="modulepreload" crossorigin href="/assets/react-d.js"></template>\n<style></style>',
    );
    // Nothing outside the template that the parser or the preload scanner would fetch.
    const outside = html.replace(/<template[\s\S]*?<\/template>/, "");
    expect(outside).not.toMatch(/type="module"|modulepreload/);
    // Other pages keep their tags where Vite put them.
    const kept = shellHtml(index, { path: "/", file: "index.html" }, { en: "", fr: "" }, { script: "", style: "" });
    expect(kept).not.toContain("<template");
    expect(kept).toContain('<link rel="modulepreload" crossorigin href="/assets/react-d.js">');
  });

  it("refuses to defer an entry that is not there (the page would never start)", () => {
    expect(() => entryInTemplate('<head><link rel="modulepreload" href="/a.js"></head>')).toThrow(/no module script/);
    expect(entryInTemplate('<head>\n<script type="module" src="/e.js"></script>\n</head>')).toBe(
      '<head>\n<template id="gh-entry"><script type="module" src="/e.js"></script></template>\n</head>',
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
