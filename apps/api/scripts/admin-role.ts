// `pnpm admin:grant --email <email>` / `pnpm admin:revoke --email <email>`: makes a user an admin
// of the console (or no longer one) by setting app_metadata.role through Supabase Auth's admin API
// with the secret key. The user's next token carries the role; the API and public.is_admin() also
// check the role in the database, so a revocation takes effect at once.
import { parseArgs } from "node:util";
import { callRpc } from "../src/services/call-rpc.ts";
import { getServices, type Services } from "../src/services/services.ts";
import { loadOpsConfig, runOpsCommand } from "./ops-config.ts";

export type AdminChange = "grant" | "revoke";

export interface AdminRoleReport {
  userId: string;
  email: string;
  /** false when the user already was (grant) or was not (revoke) an admin. */
  changed: boolean;
}

export async function setAdminRole(s: Services, email: string, change: AdminChange): Promise<AdminRoleReport> {
  const wanted = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(wanted)) throw new Error(`--email ${email} is not an email address`);
  const userId = await callRpc(s.db, "user_id_by_email", { p_email: wanted }).catch((e: unknown) => {
    throw new Error(`looking up ${wanted} failed: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (!userId) throw new Error(`no user with the email ${wanted}: they must sign in once first`);
  const current = await s.db.auth.admin.getUserById(userId);
  if (current.error) throw new Error(`reading ${wanted} failed: ${current.error.message}`);
  const was = current.data.user?.app_metadata?.role === "admin";
  if (was === (change === "grant")) return { userId, email: wanted, changed: false };
  const updated = await s.db.auth.admin.updateUserById(userId, {
    app_metadata: { role: change === "grant" ? "admin" : null },
  });
  if (updated.error) throw new Error(`updating ${wanted} failed: ${updated.error.message}`);
  const recorded = await s.db.from("admin_actions").insert({
    actor: `cli:admin:${change}`,
    action: change === "grant" ? "grant_admin" : "revoke_admin",
    target_user_id: userId,
    target: wanted,
  });
  if (recorded.error) throw new Error(`recording the change failed: ${recorded.error.message}`);
  return { userId, email: wanted, changed: true };
}

const USAGE = `usage: admin:grant --email <email> | admin:revoke --email <email>

Grants (or revokes) the console's admin role: app_metadata.role = "admin" in Supabase Auth. The
user signs in (or refreshes their session) to see /admin. Reads SUPABASE_URL, SUPABASE_SECRET_KEY
(and STRIPE_SECRET_KEY) from the environment.`;

async function main(change: AdminChange): Promise<number> {
  const { values } = parseArgs({
    options: { email: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help || !values.email) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const report = await setAdminRole(getServices(loadOpsConfig(process.env)), values.email, change);
  const what = change === "grant" ? "an admin" : "no longer an admin";
  console.log(
    report.changed
      ? `${report.email} (${report.userId}) is now ${what}: they see /admin after signing in again.`
      : `${report.email} (${report.userId}) already was ${what}: nothing changed.`,
  );
  return 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const change = process.argv.includes("--revoke") ? "revoke" : "grant";
  process.argv = process.argv.filter((a) => a !== "--revoke" && a !== "--grant");
  await runOpsCommand(`admin:${change}`, () => main(change));
}
