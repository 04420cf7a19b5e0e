// Reads the `vars` a wrangler.jsonc gives an environment (the top level, or env.<name>), so
// `check:prod-config` sees what the deployed worker will see. JSONC: comments and trailing commas.
import { readFileSync } from "node:fs";

/** JSONC → JSON: drops // and block comments outside strings, then trailing commas. */
export function stripJsonc(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (inString) {
      out += c;
      if (c === "\\") {
        out += next ?? "";
        i++;
      } else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

interface WranglerVarsSource {
  vars?: Record<string, unknown>;
  env?: Record<string, { vars?: Record<string, unknown> }>;
}

/** The string vars of `environment` (undefined: the top level); {} when it defines none. */
export function readWranglerVars(path: string, environment?: string): Record<string, string> {
  const config = JSON.parse(stripJsonc(readFileSync(path, "utf8"))) as WranglerVarsSource;
  const vars = environment ? config.env?.[environment]?.vars : config.vars;
  if (environment && !config.env?.[environment]) throw new Error(`${path} has no env.${environment} block`);
  return Object.fromEntries(
    Object.entries(vars ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}
