import { EXPOSED_SCHEMA } from "./catalog.ts";
import { PgrstError } from "./pgrst-error.ts";

export const OBJECT_MEDIA_TYPE = "application/vnd.pgrst.object+json";

/** Whether the client asked for one JSON object (`.single()`) or an array. */
export function wantsObject(req: Request): boolean {
  const accept = (req.headers.get("accept") ?? "").toLowerCase();
  if (accept.includes("nulls=stripped")) {
    throw new PgrstError(
      406,
      "PGRST107",
      "None of these media types are available: nulls=stripped (not supported by the sandbox)",
    );
  }
  if (accept.includes(OBJECT_MEDIA_TYPE)) return true;
  const ok =
    accept === "" ||
    ["*/*", "application/json", "application/*", "application/vnd.pgrst.array+json"].some((m) => accept.includes(m));
  if (!ok) throw new PgrstError(406, "PGRST107", `None of these media types are available: ${accept}`);
  return false;
}

/** Only schema `public` is exposed: Accept-Profile / Content-Profile must name it (or be absent). */
export function checkProfile(req: Request): void {
  for (const name of ["accept-profile", "content-profile"]) {
    const profile = req.headers.get(name);
    if (profile !== null && profile !== EXPOSED_SCHEMA) {
      throw new PgrstError(406, "PGRST106", `Invalid schema: ${profile}`, {
        hint: `Only the following schemas are exposed: ${EXPOSED_SCHEMA}`,
      });
    }
  }
}

export interface Preferences {
  return: "representation" | "minimal" | "headers-only" | undefined;
  count: boolean;
  resolution: "merge-duplicates" | "ignore-duplicates" | undefined;
}

export function preferences(req: Request): Preferences {
  const tokens = (req.headers.get("prefer") ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const value = (name: string) => tokens.find((t) => t.startsWith(`${name}=`))?.slice(name.length + 1);
  const ret = value("return");
  const resolution = value("resolution");
  return {
    return: ret === "representation" || ret === "minimal" || ret === "headers-only" ? ret : undefined,
    count: value("count") !== undefined,
    resolution: resolution === "merge-duplicates" || resolution === "ignore-duplicates" ? resolution : undefined,
  };
}

export function singleError(rows: number): PgrstError {
  return new PgrstError(406, "PGRST116", "Cannot coerce the result to a single JSON object", {
    details: `The result contains ${rows} rows`,
  });
}
