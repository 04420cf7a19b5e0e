import { describe, expect, it } from "vitest";
import { type BuiltBundle, type BuiltChunk, linkHeader, routePreloads } from "./route-preloads.ts";

const chunk = (fileName: string, moduleIds: string[], imports: string[] = [], extra: Partial<BuiltChunk> = {}) =>
  ({ type: "chunk", fileName, isEntry: false, imports, moduleIds, ...extra }) as BuiltChunk;

const bundle: BuiltBundle = {
  "assets/index-a.js": chunk("assets/index-a.js", ["/app/src/main.tsx"], ["assets/react-b.js"], { isEntry: true }),
  "assets/react-b.js": chunk("assets/react-b.js", ["/app/node_modules/react/index.js"]),
  "assets/billing-success-c.js": chunk(
    "assets/billing-success-c.js",
    ["/app/src/app/routes/billing-success.tsx"],
    ["assets/react-b.js", "assets/library-d.js"],
    { viteMetadata: { importedCss: new Set(["assets/billing-success-c.css"]) } },
  ),
  "assets/library-d.js": chunk("assets/library-d.js", ["/app/src/features/library/components/library-view.tsx"], [], {
    viteMetadata: { importedCss: new Set(["assets/library-d.css"]) },
  }),
  "assets/supabase-e.js": chunk("assets/supabase-e.js", [
    "/app/node_modules/.pnpm/@supabase+supabase-js@2/node_modules/@supabase/supabase-js/dist/index.mjs",
  ]),
  "assets/index-a.css": { type: "asset", fileName: "assets/index-a.css" },
};

describe("route preloads", () => {
  it("names the chunks a path's boot loads and their imports, less what the entry's HTML preloads, and their CSS", () => {
    const found = routePreloads(bundle, {
      "/billing/success": ["src/app/routes/billing-success.tsx", "@supabase/supabase-js"],
    });
    expect(found).toEqual({
      "/billing/success": {
        scripts: ["assets/billing-success-c.js", "assets/library-d.js", "assets/supabase-e.js"],
        styles: ["assets/billing-success-c.css", "assets/library-d.css"],
      },
    });
    expect(linkHeader(found["/billing/success"] ?? { scripts: [], styles: [] })).toBe(
      "</assets/billing-success-c.js>; rel=modulepreload, </assets/library-d.js>; rel=modulepreload, " +
        "</assets/supabase-e.js>; rel=modulepreload, </assets/billing-success-c.css>; rel=preload; as=style; crossorigin, " +
        "</assets/library-d.css>; rel=preload; as=style; crossorigin",
    );
  });

  it("fails the build when a listed module is in no chunk (renamed or moved)", () => {
    expect(() => routePreloads(bundle, { "/billing/success": ["src/app/routes/renamed.tsx"] })).toThrow(
      "route preloads: no chunk holds src/app/routes/renamed.tsx (listed for /billing/success)",
    );
  });
});
