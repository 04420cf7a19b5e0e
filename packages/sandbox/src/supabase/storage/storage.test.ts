import { request } from "node:http";
import type { SupabaseClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { SANDBOX_PUBLISHABLE_KEY, SANDBOX_SECRET_KEY } from "../../keys.ts";
import { startTestStandIn, type TestStandIn } from "../test-stand-in.ts";

// Real Postgres, real sockets, the real supabase-js: leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

// Reads go to Gatehouse's own `downloads` bucket under the migrations' policy (has_feature on the
// object's folder); uploads and bad input go to a small bucket of this test database (64 KB,
// PDF and text only) so limits are cheap to reach.
const BUCKET = "downloads";
const SMALL = "test-files";
const LIMIT = 64 * 1024;

let sb: TestStandIn;
let admin: SupabaseClient;
let pro: { id: string; client: SupabaseClient; token: string };
let basic: { id: string; client: SupabaseClient; token: string };
let nobody: { id: string; client: SupabaseClient; token: string };
const handbook = Buffer.from("%PDF-1.7 the Pro handbook\n".repeat(40));
const guide = Buffer.from("%PDF-1.7 the Basic guide\n");

const signedIn = () => sb.signIn();

/** Uploads `body` to `path` in `bucket` as `client`'s caller, as a PDF unless `options` say otherwise. */
const upload = (
  client: SupabaseClient,
  bucket: string,
  path: string,
  body: Buffer,
  options: { contentType?: string; upsert?: boolean } = {},
) => client.storage.from(bucket).upload(path, body, { contentType: "application/pdf", ...options });

/** The user's entitlement as the sync writes it: active with these features, or ended (none). */
async function grant(userId: string, features: string[]) {
  await sb.owner.query(
    `insert into public.entitlements (user_id, active, status, features) values ($1, $2, $3, $4)
     on conflict (user_id) do update set active = excluded.active, status = excluded.status, features = excluded.features`,
    [userId, features.length > 0, features.length > 0 ? "active" : "canceled", features],
  );
}

/** A raw request, for paths fetch would normalise (`..`) or headers supabase-js never sends. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) {
  const url = new URL(sb.url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { apikey: SANDBOX_SECRET_KEY, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  sb = await startTestStandIn();
  await sb.owner.query(
    `insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
     values ('${SMALL}', '${SMALL}', false, ${LIMIT}, array['application/pdf', 'text/*'])`,
  );
  admin = sb.client("secret");
  pro = await signedIn();
  basic = await signedIn();
  nobody = await signedIn();
  await grant(pro.id, ["library.basic", "library.pro"]);
  await grant(basic.id, ["library.basic"]);
  for (const bucket of [BUCKET, SMALL]) {
    const up1 = await upload(admin, bucket, "library.pro/handbook.pdf", handbook, { upsert: true });
    expect(up1.error).toBeNull();
    const up2 = await upload(admin, bucket, "library.basic/guide.pdf", guide, { upsert: true });
    expect(up2.error).toBeNull();
  }
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

describe("upload with the secret key", () => {
  test("answers the object's id and full key, and records size, type and eTag", async () => {
    const body = Buffer.from("%PDF-1.7 notes");
    const { data, error } = await upload(admin, SMALL, "library.basic/notes.pdf", body);
    expect(error).toBeNull();
    expect(data).toMatchObject({ path: "library.basic/notes.pdf", fullPath: `${SMALL}/library.basic/notes.pdf` });
    expect(data?.id).toMatch(/^[0-9a-f-]{36}$/);
    const { rows } = await sb.owner.query(
      "select metadata, owner from storage.objects where bucket_id = $1 and name = 'library.basic/notes.pdf'",
      [SMALL],
    );
    expect(rows[0].metadata).toMatchObject({
      size: body.length,
      mimetype: "application/pdf",
      eTag: expect.any(String),
    });
  });

  test("a second upload to the same key without upsert is refused as a duplicate", async () => {
    const { error } = await upload(admin, SMALL, "library.basic/guide.pdf", guide);
    expect(error).toMatchObject({ status: 400, statusCode: "409", message: "The resource already exists" });
  });

  test("upsert replaces the bytes; update (PUT) of a missing key is Object not found", async () => {
    const next = Buffer.from("%PDF-1.7 notes, second edition");
    const up = await upload(admin, SMALL, "library.basic/notes.pdf", next, { upsert: true });
    expect(up.error).toBeNull();
    const { data } = await admin.storage.from(SMALL).download("library.basic/notes.pdf");
    expect(Buffer.from(await (data as Blob).arrayBuffer()).equals(next)).toBe(true);
    const missing = await admin.storage.from(SMALL).update("library.basic/none.pdf", next, {
      contentType: "application/pdf",
    });
    expect(missing.error).toMatchObject({ status: 400, statusCode: "404", message: "Object not found" });
  });

  test("a Blob is sent as multipart form data and stored with its own type", async () => {
    const blob = new Blob(["plain words"], { type: "text/plain" });
    const { error } = await admin.storage.from(SMALL).upload("library.basic/words.txt", blob, { upsert: true });
    expect(error).toBeNull();
    const { data } = await admin.storage.from(SMALL).download("library.basic/words.txt");
    expect(await (data as Blob).text()).toBe("plain words");
    expect((data as Blob).type).toBe("text/plain");
  });
});

describe("bad input answers as Supabase Storage does", () => {
  test("an unknown bucket is Bucket not found", async () => {
    const { error } = await upload(admin, "nope", "a/b.pdf", guide);
    expect(error).toMatchObject({ status: 400, statusCode: "404", message: "Bucket not found" });
  });

  test("a file over the bucket's size limit is refused with EntityTooLarge, and nothing is stored", async () => {
    const big = Buffer.alloc(LIMIT + 1, 1);
    const { error } = await upload(admin, SMALL, "library.pro/big.pdf", big);
    expect(error).toMatchObject({ status: 400, statusCode: "413", code: "EntityTooLarge" });
    const { rowCount } = await sb.owner.query("select 1 from storage.objects where name = 'library.pro/big.pdf'");
    expect(rowCount).toBe(0);
  });

  test("a content type outside the bucket's allowlist is refused with InvalidMimeType", async () => {
    const { error } = await upload(admin, SMALL, "library.pro/tool.exe", guide, {
      contentType: "application/x-msdownload",
    });
    expect(error).toMatchObject({
      status: 400,
      statusCode: "415",
      code: "InvalidMimeType",
      message: "mime type application/x-msdownload is not supported",
    });
  });

  test("`..` and `.` segments are invalid keys, sent raw or through supabase-js", async () => {
    for (const path of ["library.pro/../x.pdf", "library.pro/./x.pdf", "../x.pdf"]) {
      const res = await raw(
        "POST",
        `/storage/v1/object/${SMALL}/${path}`,
        {
          Authorization: `Bearer ${SANDBOX_SECRET_KEY}`,
          "content-type": "application/pdf",
        },
        guide,
      );
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toEqual({
        statusCode: "400",
        code: "InvalidKey",
        error: "InvalidKey",
        message: `Invalid key: ${path}`,
      });
    }
    // fetch resolves `..` before sending: the request no longer names a key at all.
    const { error } = await upload(admin, SMALL, "../x.pdf", guide);
    expect(error?.status).toBe(400);
  });

  test("a request without an API key is refused by the gateway", async () => {
    const res = await raw("GET", `/storage/v1/object/${SMALL}/library.basic/guide.pdf`, { apikey: "" });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ message: "No API key found in request" });
  });

  test("what the stand-in does not model is refused loudly, in Storage's shape", async () => {
    const moved = await admin.storage.from(SMALL).move("library.basic/guide.pdf", "library.basic/g.pdf");
    expect(moved.error).toMatchObject({ status: 501, statusCode: "501" });
    expect(moved.error?.message).toContain("not supported by the Supabase stand-in");
    const transformed = await admin.storage
      .from(SMALL)
      .createSignedUrl("library.basic/guide.pdf", 60, { transform: { width: 10 } });
    expect(transformed.error?.status).toBe(501);
  });
});

describe("reads of the downloads bucket run as the caller, under the migrations' policy", () => {
  test("a Pro subscriber downloads the Pro file, byte for byte", async () => {
    const { data, error } = await pro.client.storage.from(BUCKET).download("library.pro/handbook.pdf");
    expect(error).toBeNull();
    expect(Buffer.from(await (data as Blob).arrayBuffer()).equals(handbook)).toBe(true);
    expect((data as Blob).type).toBe("application/pdf");
  });

  test("a Basic subscriber, a user without plan and anon get Object not found for the Pro file", async () => {
    for (const client of [basic.client, nobody.client, sb.client()]) {
      const { data, error } = await client.storage.from(BUCKET).download("library.pro/handbook.pdf");
      expect(data).toBeNull();
      expect(error).toMatchObject({ status: 400, statusCode: "404" });
      expect(error?.message).toBe("Object not found");
    }
    const res = await raw("GET", `/storage/v1/object/authenticated/${BUCKET}/library.pro/handbook.pdf`, {
      apikey: SANDBOX_PUBLISHABLE_KEY,
      Authorization: `Bearer ${basic.token}`,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      statusCode: "404",
      code: "NoSuchKey",
      error: "not_found",
      message: "Object not found",
    });
  });

  test("list shows each caller only what their policies let them select", async () => {
    const root = await pro.client.storage.from(BUCKET).list();
    expect(root.data?.map((f) => f.name)).toEqual(["library.basic", "library.pro"]);
    expect(root.data?.[0]?.id).toBeNull();
    const proFolder = await pro.client.storage.from(BUCKET).list("library.pro");
    expect(proFolder.data?.map((f) => [f.name, f.metadata?.size])).toEqual([["handbook.pdf", handbook.length]]);
    const basicRoot = await basic.client.storage.from(BUCKET).list();
    expect(basicRoot.data?.map((f) => f.name)).toEqual(["library.basic"]);
    expect((await basic.client.storage.from(BUCKET).list("library.pro")).data).toEqual([]);
    expect((await sb.client().storage.from(BUCKET).list()).data).toEqual([]);
  });

  test("list honours search, limit, offset and sort order", async () => {
    const found = await admin.storage.from(SMALL).list("library.basic", { search: "gu" });
    expect(found.data?.map((f) => f.name)).toEqual(["guide.pdf"]);
    const page = await admin.storage
      .from(SMALL)
      .list("library.basic", { limit: 1, offset: 1, sortBy: { column: "name", order: "desc" } });
    expect(page.data).toHaveLength(1);
    expect(page.data?.[0]?.name).toBe("notes.pdf");
  });

  test("a user cannot upload into the bucket: RLS refuses the insert", async () => {
    const { error } = await upload(pro.client, BUCKET, "library.pro/mine.pdf", guide);
    expect(error).toMatchObject({
      status: 400,
      statusCode: "403",
      message: "new row violates row-level security policy",
    });
  });

  test("access that ends takes the file away on the next request", async () => {
    const u = await signedIn();
    await grant(u.id, ["library.pro"]);
    expect((await u.client.storage.from(BUCKET).download("library.pro/handbook.pdf")).error).toBeNull();
    await grant(u.id, []);
    const after = await u.client.storage.from(BUCKET).download("library.pro/handbook.pdf");
    expect(after.error?.message).toBe("Object not found");
    // Past due, still marked active, but the grace (access_ends_at) is over.
    await grant(u.id, ["library.pro"]);
    await sb.owner.query(
      "update public.entitlements set access_ends_at = now() - interval '1 second' where user_id = $1",
      [u.id],
    );
    const graceOver = await u.client.storage.from(BUCKET).createSignedUrl("library.pro/handbook.pdf", 60);
    expect(graceOver.error?.message).toBe("Object not found");
  });

  test("an expired user token is refused as AccessDenied", async () => {
    const short = await startTestStandInClientWithExpiredToken();
    expect(short).toMatchObject({ status: 400, statusCode: "403" });
  });
});

/** The Pro handbook through its signed-URL route, with this token (none: null). */
const fetchHandbook = (token: string | null) =>
  fetch(
    `${sb.url}/storage/v1/object/sign/${BUCKET}/library.pro/handbook.pdf${token === null ? "" : `?token=${token}`}`,
  );

/** A 400 InvalidJWT in Storage's error shape, with this message. */
async function expectInvalidJwt(res: Response, message: string) {
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ statusCode: "400", code: "InvalidJWT", error: "InvalidJWT", message });
}

describe("signed URLs", () => {
  test("a Pro subscriber gets a 60 s URL that anyone can fetch, byte for byte", async () => {
    const { data, error } = await pro.client.storage.from(BUCKET).createSignedUrl("library.pro/handbook.pdf", 60);
    expect(error).toBeNull();
    const signedUrl = data?.signedUrl ?? "";
    expect(signedUrl).toMatch(
      new RegExp(`^${sb.url}/storage/v1/object/sign/${BUCKET}/library.pro/handbook.pdf\\?token=`),
    );
    const res = await fetch(signedUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(handbook.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(handbook)).toBe(true);
  });

  test("signing needs read access: Basic, no plan and anon get Object not found", async () => {
    for (const client of [basic.client, nobody.client, sb.client()]) {
      const { data, error } = await client.storage.from(BUCKET).createSignedUrl("library.pro/handbook.pdf", 60);
      expect(data).toBeNull();
      expect(error).toMatchObject({ status: 400, statusCode: "404", message: "Object not found" });
    }
  });

  test("expiresIn below 1 is refused", async () => {
    const { error } = await pro.client.storage.from(BUCKET).createSignedUrl("library.pro/handbook.pdf", 0);
    expect(error).toMatchObject({ status: 400, message: "body/expiresIn must be >= 1" });
  });

  test("a tampered token is refused with InvalidJWT", async () => {
    const { data } = await pro.client.storage.from(BUCKET).createSignedUrl("library.pro/handbook.pdf", 60);
    const url = new URL(data?.signedUrl ?? "");
    const token = url.searchParams.get("token") ?? "";
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p ?? "", "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString("base64url");
    url.searchParams.set("token", `${h}.${forged}.${s}`);
    await expectInvalidJwt(await fetch(url), "signature verification failed");
  });

  test("a token for one object does not open another", async () => {
    const { data } = await basic.client.storage.from(BUCKET).createSignedUrl("library.basic/guide.pdf", 60);
    const token = new URL(data?.signedUrl ?? "").searchParams.get("token");
    const res = await fetchHandbook(token ?? "");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "InvalidSignature" });
  });

  test("an expired token is refused with InvalidJWT", async () => {
    const { rows } = await sb.owner.query<{ secret: string }>("select secret from storage.standin_url_signing_key");
    // Signed by the stand-in's own secret, expired a minute ago: only the expiry is wrong.
    const expired = await new SignJWT({ url: `${BUCKET}/library.pro/handbook.pdf`, scope: "download" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(rows[0]?.secret));
    await expectInvalidJwt(await fetchHandbook(expired), '"exp" claim timestamp check failed');
  });

  test("a signed URL without a token is refused", async () => {
    const res = await fetchHandbook(null);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: "querystring must have required property 'token'" });
  });
});

describe("remove and buckets", () => {
  test("the secret key removes objects and their bytes; a user's remove deletes nothing", async () => {
    await upload(admin, SMALL, "library.basic/tmp.pdf", guide);
    const denied = await pro.client.storage.from(SMALL).remove(["library.basic/tmp.pdf"]);
    expect(denied.data).toEqual([]);
    const { data, error } = await admin.storage.from(SMALL).remove(["library.basic/tmp.pdf"]);
    expect(error).toBeNull();
    expect(data?.map((o) => o.name)).toEqual(["library.basic/tmp.pdf"]);
    const gone = await admin.storage.from(SMALL).download("library.basic/tmp.pdf");
    expect(gone.error?.message).toBe("Object not found");
  });

  test("getBucket answers the bucket's limits to the secret key and Bucket not found to anon", async () => {
    const { data, error } = await admin.storage.getBucket(SMALL);
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: SMALL, public: false, file_size_limit: LIMIT });
    expect(data?.allowed_mime_types).toEqual(["application/pdf", "text/*"]);
    const anon = await sb.client().storage.getBucket(SMALL);
    expect(anon.error).toMatchObject({ status: 400, statusCode: "404", message: "Bucket not found" });
  });

  test("creating a bucket needs the secret key", async () => {
    const mine = await pro.client.storage.createBucket("users-bucket", { public: false });
    expect(mine.error).toMatchObject({ statusCode: "403" });
    const made = await admin.storage.createBucket("made-here", { public: false, fileSizeLimit: "1MB" });
    expect(made).toEqual({ data: { name: "made-here" }, error: null });
    const again = await admin.storage.createBucket("made-here", { public: false });
    expect(again.error).toMatchObject({ statusCode: "409" });
  });
});

/** Signs in, then presents the same user with an access token that expired (signed by the stand-in). */
async function startTestStandInClientWithExpiredToken() {
  const { loadJwtKeys } = await import("../jwt-keys.ts");
  const pg = (await import("pg")).default;
  const pool = new pg.Pool({ connectionString: sb.db.url, max: 1 });
  try {
    const keys = await loadJwtKeys(pool);
    const now = Math.floor(Date.now() / 1000);
    const token = await keys.sign({ sub: pro.id, role: "authenticated", aud: "authenticated" }, now - 10, now - 3700);
    const { createClient } = await import("@supabase/supabase-js");
    const client = createClient(sb.url, SANDBOX_PUBLISHABLE_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { Authorization: `Bearer ${token}` } },
    });
    const { error } = await client.storage.from(BUCKET).download("library.pro/handbook.pdf");
    return error;
  } finally {
    await pool.end();
  }
}
