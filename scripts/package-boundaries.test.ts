// `node --test scripts/package-boundaries.test.ts` (a step of `npm test` and `npm run test:quick`):
// no relative import crosses a package boundary, and workspace packages are used through their
// exports only (package-boundaries.ts says what counts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { describeCrossings, findCrossings, type PackageInfo, repositoryCrossings } from "./package-boundaries.ts";

const root = join(import.meta.dirname, "..");

test("no file of the repository reaches into another package by a relative path or a non-exported subpath", () => {
  const crossings = repositoryCrossings(root);
  assert.equal(
    crossings.length,
    0,
    `${crossings.length} import(s) cross a package boundary:\n${describeCrossings(crossings)}\n` +
      "Import the other package by its name (@gatehouse/…), from what its package.json `exports` lists; " +
      "add the export (and the dependency) if it is missing.",
  );
});

describe("the checker", () => {
  const packages: PackageInfo[] = [
    { dir: ".", name: "root", exports: [], declared: new Set() },
    { dir: "apps/api", name: "@gatehouse/api", exports: [], declared: new Set(["@gatehouse/billing"]) },
    {
      dir: "packages/billing",
      name: "@gatehouse/billing",
      exports: [".", "./catalog-setup"],
      declared: new Set(),
    },
    { dir: "bench", name: "@gatehouse/bench", exports: [], declared: new Set() },
  ];
  const check = (file: string, text: string) => findCrossings([file], packages, () => text);
  // The fixtures name modules through these, so that the repository scan of this very file sees none.
  const billing = "../../../packages/billing/src";
  const gh = "@gatehouse";

  test("finds a relative path into another package, in every form a module is named", () => {
    const forms = [
      `import { routeEvent } from "${billing}/event-routing.ts";`,
      `import type {\n  EventAction,\n} from "${billing}/event-routing.ts";`,
      `export * from "${billing}/index.ts";`,
      `import "${billing}/index.ts";`,
      `const m = await import("${billing}/index.ts");`,
      `const m = require("${billing}/index.ts");`,
      `const u = new URL("${billing}/catalog.ts", import.meta.url);`,
      `vi.mock("${billing}/index.ts");`,
    ];
    for (const text of forms) {
      const found = check("apps/api/src/x.ts", text);
      assert.equal(found.length, 1, `not found in: ${text}`);
      assert.match(found[0]?.why ?? "", /into @gatehouse\/billing/);
    }
  });

  test("finds a config file's path into another package, and a path out of the repository", () => {
    const up = "..";
    const config = `export default { test: { globalSetup: ["${up}/packages/billing/src/setup.ts"] } };`;
    assert.equal(check("bench/vitest.config.ts", config).length, 1);
    assert.match(
      check("bench/x.ts", `import x from "${up}/${up}/elsewhere/x.ts";`)[0]?.why ?? "",
      /outside the repository/,
    );
    // the root package (scripts/) is a package too
    assert.equal(check("scripts/dev.ts", `import { x } from "${up}/apps/api/scripts/x.ts";`).length, 1);
  });

  test("finds a subpath the package does not export, and a package the importer does not declare", () => {
    assert.match(
      check("apps/api/src/x.ts", `import { x } from "${gh}/billing/src/catalog.ts";`)[0]?.why ?? "",
      /does not export "\.\/src\/catalog\.ts"/,
    );
    assert.match(
      check("bench/src/x.ts", `import { routeEvent } from "${gh}/billing";`)[0]?.why ?? "",
      /without declaring it/,
    );
  });

  test("accepts relative paths inside the package and workspace packages through their exports", () => {
    const text = [
      'import { a } from "./a.ts";',
      'import { b } from "../services/b.ts";',
      `import { routeEvent } from "${gh}/billing";`,
      `import { setupCatalog } from "${gh}/billing/catalog-setup";`,
      'import Stripe from "stripe";',
      'const body = \'{"sessionId":"../../v1/customers"}\';',
    ].join("\n");
    assert.deepEqual(check("apps/api/src/routes/x.ts", text), []);
  });
});
