import type pg from "pg";

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  confirmation_sent_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  phone: string | null;
  is_anonymous: boolean;
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

const COLUMNS =
  "id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_sent_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, phone, is_anonymous";

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    `select ${COLUMNS} from auth.users where email = $1 and deleted_at is null`,
    [normaliseEmail(email)],
  );
  return rows[0];
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(`select ${COLUMNS} from auth.users where id = $1 and deleted_at is null`, [
    id,
  ]);
  return rows[0];
}

export interface NewUser {
  email: string;
  passwordHash: string | null;
  confirmed: boolean;
  userMetadata: Record<string, unknown>;
}

/** Inserts a user; returns undefined when the email is taken. */
export async function insertUser(db: Queryable, u: NewUser): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    `insert into auth.users (instance_id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
     values ('00000000-0000-0000-0000-000000000000', 'authenticated', 'authenticated', $1, $2,
             case when $3::boolean then now() end, $4, $5)
     on conflict do nothing
     returning ${COLUMNS}`,
    [
      normaliseEmail(u.email),
      u.passwordHash,
      u.confirmed,
      JSON.stringify({ provider: "email", providers: ["email"] }),
      JSON.stringify(u.userMetadata),
    ],
  );
  return rows[0];
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

/** The user object Supabase Auth answers with. */
export function userJson(u: UserRow): Record<string, unknown> {
  const email = u.email ?? "";
  const json: Record<string, unknown> = {
    id: u.id,
    aud: u.aud ?? "authenticated",
    role: u.role ?? "authenticated",
    email,
    phone: u.phone ?? "",
    app_metadata: u.raw_app_meta_data ?? { provider: "email", providers: ["email"] },
    user_metadata: u.raw_user_meta_data ?? {},
    identities: [
      {
        identity_id: u.id,
        id: u.id,
        user_id: u.id,
        identity_data: { email, email_verified: u.email_confirmed_at !== null, phone_verified: false, sub: u.id },
        provider: "email",
        last_sign_in_at: iso(u.last_sign_in_at) ?? iso(u.created_at),
        created_at: iso(u.created_at),
        updated_at: iso(u.updated_at),
        email,
      },
    ],
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    is_anonymous: u.is_anonymous,
  };
  if (u.email_confirmed_at) {
    json.email_confirmed_at = iso(u.email_confirmed_at);
    json.confirmed_at = iso(u.email_confirmed_at);
  }
  if (u.confirmation_sent_at) json.confirmation_sent_at = iso(u.confirmation_sent_at);
  if (u.last_sign_in_at) json.last_sign_in_at = iso(u.last_sign_in_at);
  return json;
}
