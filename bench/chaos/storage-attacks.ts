// Access attacks on Supabase Storage (the `downloads` bucket and its has_feature policy), through
// supabase-js and raw HTTP against the Supabase stand-in. Each one that works is a success for the
// attacker; the suite's figure of successes must be 0.
import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";
import type { Database, Db } from "@gatehouse/types";
import { createClient } from "@supabase/supabase-js";
import { type ChaosContext, createUser, type TestUser } from "./context.ts";

export interface StorageOutcome {
  name: string;
  success: boolean;
  detail: string;
}

const BUCKET = "downloads";
const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

function hs256Token(payload: Record<string, unknown>, secret: string): string {
  const data = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${data}.${createHmac("sha256", secret).update(data).digest("base64url")}`;
}

/** A GET with the path sent as is (fetch would resolve `..` before sending). */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: "GET", path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * `a` holds no plan. The holder is a user whose entitlement grants library.basic and library.pro
 * (written as the sync would), so the controls do not depend on the catalog's tiers.
 */
export async function storageAttacks(ctx: ChaosContext, a: TestUser, notes: string[]): Promise<StorageOutcome[]> {
  const { supabase } = ctx.stack.urls;
  const { publishable, secret } = ctx.stack.keys;
  const outcomes: StorageOutcome[] = [];
  const clientAs = (token: string | null): Db =>
    createClient<Database>(supabase, publishable, {
      auth: { persistSession: false, autoRefreshToken: false },
      ...(token ? { global: { headers: { authorization: `Bearer ${token}` } } } : {}),
    });
  const admin = createClient<Database>(supabase, secret, { auth: { persistSession: false, autoRefreshToken: false } });
  const anon = clientAs(null);
  const attacker = clientAs(a.token);
  const holder = await createUser(ctx, "holder");
  await ctx.db.query(
    `insert into public.entitlements (user_id, active, status, features) values ($1, true, 'active', '{library.basic,library.pro}')
     on conflict (user_id) do update set active = true, status = 'active', features = excluded.features, access_ends_at = null`,
    [holder.id],
  );
  const victim = clientAs(holder.token);

  const tag = randomUUID().slice(0, 8);
  const proPath = `library.pro/chaos-${tag}.pdf`;
  const basicPath = `library.basic/chaos-${tag}.pdf`;
  const bytes = Buffer.from(`%PDF-1.7 chaos ${tag}`);
  for (const path of [proPath, basicPath]) {
    const { error } = await admin.storage.from(BUCKET).upload(path, bytes, { contentType: "application/pdf" });
    if (error) notes.push(`control failed: the secret key could not upload ${path}: ${error.message}`);
  }
  const objectExists = async (name: string) =>
    ((await ctx.db.query("select 1 from storage.objects where bucket_id = $1 and name = $2", [BUCKET, name]))
      .rowCount ?? 0) > 0;
  const stillIntact = async () => {
    const { data } = await admin.storage.from(BUCKET).download(proPath);
    return data ? Buffer.from(await data.arrayBuffer()).equals(bytes) : false;
  };

  // Reads, signatures and listings by people the policy does not let in.
  for (const [who, client] of [
    ["anon", anon],
    ["A (no plan)", attacker],
  ] as const) {
    const dl = await client.storage.from(BUCKET).download(proPath);
    outcomes.push({
      name: `Storage: ${who} downloads a Pro file`,
      success: dl.data !== null,
      detail: dl.error?.message ?? "200",
    });
    const signed = await client.storage.from(BUCKET).createSignedUrl(proPath, 60);
    outcomes.push({
      name: `Storage: ${who} signs a URL for a Pro file`,
      success: signed.data !== null,
      detail: signed.error?.message ?? "signed",
    });
    const listed = await client.storage.from(BUCKET).list("library.pro");
    outcomes.push({
      name: `Storage: ${who} lists library.pro`,
      success: (listed.data ?? []).length > 0,
      detail: `${(listed.data ?? []).length} entries`,
    });
    const root = await client.storage.from(BUCKET).list();
    outcomes.push({
      name: `Storage: ${who} lists the bucket`,
      success: (root.data ?? []).length > 0,
      detail: `${(root.data ?? []).length} entries`,
    });
  }
  {
    const res = await fetch(`${supabase}/storage/v1/object/public/${BUCKET}/${proPath}`);
    outcomes.push({
      name: "Storage: anon reads the private bucket as public",
      success: res.ok,
      detail: `${res.status}`,
    });
  }
  {
    const res = await rawGet(supabase, `/storage/v1/object/authenticated/${BUCKET}/${basicPath}/../../${proPath}`, {
      apikey: publishable,
      authorization: `Bearer ${a.token}`,
    });
    outcomes.push({
      name: "Storage: A reaches a Pro file through `..`",
      success: res.status === 200,
      detail: `${res.status} ${res.body.slice(0, 100)}`,
    });
  }

  // Writes: nobody but the secret key puts, replaces or removes files.
  {
    const up = await attacker.storage.from(BUCKET).upload(`library.pro/planted-${tag}.pdf`, bytes, {
      contentType: "application/pdf",
    });
    outcomes.push({
      name: "Storage: A uploads into downloads",
      success: up.error === null || (await objectExists(`library.pro/planted-${tag}.pdf`)),
      detail: up.error?.message ?? "uploaded",
    });
    const over = await victim.storage.from(BUCKET).upload(proPath, Buffer.from("replaced"), {
      contentType: "application/pdf",
      upsert: true,
    });
    outcomes.push({
      name: "Storage: a feature holder overwrites a file (upsert)",
      success: over.error === null || !(await stillIntact()),
      detail: over.error?.message ?? "overwritten",
    });
    const put = await attacker.storage.from(BUCKET).update(proPath, Buffer.from("replaced"), {
      contentType: "application/pdf",
    });
    outcomes.push({
      name: "Storage: A replaces a file (PUT)",
      success: put.error === null || !(await stillIntact()),
      detail: put.error?.message ?? "replaced",
    });
    const rm = await victim.storage.from(BUCKET).remove([proPath]);
    outcomes.push({
      name: "Storage: a feature holder removes a file",
      success: (rm.data ?? []).length > 0 || !(await objectExists(proPath)),
      detail: `${(rm.data ?? []).length} removed`,
    });
    const mk = await attacker.storage.createBucket(`chaos-${tag}`, { public: true });
    outcomes.push({
      name: "Storage: A creates a public bucket",
      success: mk.error === null,
      detail: mk.error?.message ?? "created",
    });
  }

  // Signed URLs: forged, tampered, expired, or made for another object.
  const secretRow = await ctx.db.query<{ secret: string }>("select secret from storage.standin_url_signing_key");
  const realSecret = secretRow.rows[0]?.secret ?? "";
  const now = Math.floor(Date.now() / 1000);
  const signedGet = async (name: string, path: string, token: string) => {
    const res = await fetch(`${supabase}/storage/v1/object/sign/${BUCKET}/${path}?token=${token}`);
    outcomes.push({
      name: `Storage: ${name}`,
      success: res.ok,
      detail: `${res.status} ${(await res.text()).slice(0, 100)}`,
    });
  };
  await signedGet(
    "signed URL forged with the publishable key",
    proPath,
    hs256Token({ url: `${BUCKET}/${proPath}`, scope: "download", iat: now, exp: now + 60 }, publishable),
  );
  await signedGet(
    "signed URL with alg none",
    proPath,
    `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify({ url: `${BUCKET}/${proPath}`, exp: now + 60 }))}.`,
  );
  await signedGet(
    "expired signed URL",
    proPath,
    hs256Token({ url: `${BUCKET}/${proPath}`, scope: "download", iat: now - 120, exp: now - 60 }, realSecret),
  );
  const basicSigned = await victim.storage.from(BUCKET).createSignedUrl(basicPath, 60);
  const basicToken = basicSigned.data ? (new URL(basicSigned.data.signedUrl).searchParams.get("token") ?? "") : "";
  if (!basicToken) notes.push(`control failed: the holder could not sign ${basicPath}: ${basicSigned.error?.message}`);
  await signedGet("a Basic file's signed URL opens a Pro file", proPath, basicToken);
  const [h, p, sig] = basicToken.split(".");
  const claims = JSON.parse(Buffer.from(p ?? "e30", "base64url").toString()) as Record<string, unknown>;
  await signedGet(
    "a signed URL whose url claim was edited to a Pro file",
    proPath,
    `${h}.${b64url(JSON.stringify({ ...claims, url: `${BUCKET}/${proPath}` }))}.${sig}`,
  );
  await signedGet(
    "a signed URL whose expiry was pushed back",
    basicPath,
    `${h}.${b64url(JSON.stringify({ ...claims, exp: now + 86_400 }))}.${sig}`,
  );

  // Controls: the holder downloads the Pro file; their signed URL works for anyone until it expires.
  const own = await victim.storage.from(BUCKET).download(proPath);
  if (!own.data) notes.push(`control failed: the holder could not download ${proPath}: ${own.error?.message}`);
  if (basicSigned.data && !(await fetch(basicSigned.data.signedUrl)).ok) {
    notes.push(`control failed: the holder's signed URL for ${basicPath} did not serve the file`);
  }
  // Access ends: the same holder is refused from the next request on.
  await ctx.db.query(
    "update public.entitlements set active = false, status = 'canceled', features = '{}' where user_id = $1",
    [holder.id],
  );
  const ended = await victim.storage.from(BUCKET).createSignedUrl(proPath, 60);
  outcomes.push({
    name: "Storage: a holder whose access ended signs a URL",
    success: ended.data !== null,
    detail: ended.error?.message ?? "signed",
  });
  await admin.storage.from(BUCKET).remove([proPath, basicPath, `library.pro/planted-${tag}.pdf`]);
  return outcomes;
}
