-- Tables and functions the Supabase stand-in needs on top of supabase-bootstrap.sql: sessions,
-- refresh tokens, one-time tokens (magic links), PKCE flow states, the persisted JWT signing key, and the triggers
-- that feed Realtime from Postgres itself. Idempotent: applied on every start of the stand-in.

create table if not exists auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  aal text not null default 'aal1',
  -- How the user signed in ('password', 'otp'), and when: the access token's amr claim.
  amr_method text not null default 'password',
  amr_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  refreshed_at timestamptz
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);
alter table auth.sessions enable row level security;

create table if not exists auth.refresh_tokens (
  id bigserial primary key,
  token varchar(255) not null unique,
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid not null references auth.sessions (id) on delete cascade,
  revoked boolean not null default false,
  parent varchar(255),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists refresh_tokens_session_id_idx on auth.refresh_tokens (session_id);
alter table auth.refresh_tokens enable row level security;

create table if not exists auth.one_time_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  token_type text not null,
  -- sha224 hex of email || otp, as GoTrue's token_hash; the 6-digit code itself is not stored.
  token_hash text not null unique,
  relates_to text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
alter table auth.one_time_tokens enable row level security;

-- PKCE flows (Supabase's auth.flow_state): the code challenge a client sent with /otp, and the
-- auth code GET /verify hands back in ?code= for POST /token?grant_type=pkce to redeem once.
create table if not exists auth.flow_state (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete cascade,
  auth_code text not null,
  code_challenge_method text not null check (code_challenge_method in ('s256', 'plain')),
  code_challenge text not null,
  provider_type text not null,
  provider_access_token text,
  provider_refresh_token text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  authentication_method text not null,
  auth_code_issued_at timestamptz
);
create index if not exists idx_auth_code on auth.flow_state (auth_code);
create index if not exists idx_user_id_auth_method on auth.flow_state (user_id, authentication_method);
alter table auth.flow_state enable row level security;

-- The stand-in's ES256 signing key, generated once, so a restart keeps issued tokens valid.
create table if not exists auth.standin_signing_keys (
  id boolean primary key default true check (id),
  kid text not null,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now()
);
alter table auth.standin_signing_keys enable row level security;

revoke all on auth.sessions, auth.refresh_tokens, auth.one_time_tokens, auth.flow_state,
  auth.standin_signing_keys from public, anon, authenticated, service_role;

-- Realtime: a row trigger on each table of publication supabase_realtime notifies channel
-- 'sandbox_realtime' at commit. Payloads over NOTIFY's 8000-byte limit are parked in
-- sandbox_realtime.large_changes and the notification carries only their id.
create schema if not exists sandbox_realtime;
revoke all on schema sandbox_realtime from public;

create table if not exists sandbox_realtime.large_changes (
  id bigserial primary key,
  payload jsonb not null,
  created_at timestamptz not null default now()
);

create or replace function sandbox_realtime.notify_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_payload jsonb;
  v_text text;
  v_id bigint;
begin
  v_payload := jsonb_build_object(
    'schema', tg_table_schema,
    'table', tg_table_name,
    'type', tg_op,
    'commit_timestamp', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'record', case when tg_op <> 'DELETE' then to_jsonb(new) end,
    'old_record', case when tg_op <> 'INSERT' then to_jsonb(old) end
  );
  v_text := v_payload::text;
  if octet_length(v_text) > 7900 then
    insert into sandbox_realtime.large_changes (payload) values (v_payload) returning id into v_id;
    v_text := jsonb_build_object('large_id', v_id)::text;
  end if;
  perform pg_notify('sandbox_realtime', v_text);
  return null;
end
$$;

-- Installs the trigger on every table of the publication that lacks it (run at start and when a
-- subscriber names a table not seen yet); returns every published table.
create or replace function sandbox_realtime.install_triggers() returns setof text
language plpgsql set search_path = '' as $$
declare
  r record;
begin
  for r in select schemaname, tablename from pg_publication_tables where pubname = 'supabase_realtime' loop
    -- Only where missing: creating a trigger locks the table against writes.
    if not exists (
      select 1 from pg_trigger
      where tgrelid = format('%I.%I', r.schemaname, r.tablename)::regclass and tgname = 'sandbox_realtime_notify'
    ) then
      execute format(
        'create or replace trigger sandbox_realtime_notify after insert or update or delete on %I.%I '
        'for each row execute function sandbox_realtime.notify_change()',
        r.schemaname, r.tablename
      );
    end if;
    return next format('%I.%I', r.schemaname, r.tablename);
  end loop;
end
$$;

-- Whether a subscriber may select a row: switches to the subscriber's role and claims for the rest
-- of the (single-statement) transaction, then looks the row up by primary key under RLS. One round
-- trip per check keeps Realtime's commit-to-frame latency low. Called by the stand-in only.
create or replace function sandbox_realtime.can_select(p_role text, p_claims text, p_table regclass, p_row jsonb)
returns boolean
language plpgsql as $$
declare
  v_name text;
  v_cond text;
  v_visible boolean;
begin
  if p_role not in ('anon', 'authenticated', 'service_role') then
    raise exception 'unexpected role %', p_role;
  end if;
  select format('%I.%I', n.nspname, c.relname) into v_name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = p_table;
  select string_agg(format('t.%1$I = r.%1$I', a.attname), ' and ') into v_cond
    from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
   where i.indrelid = p_table and i.indisprimary;
  if v_cond is null then
    return false;
  end if;
  perform set_config('request.jwt.claims', p_claims, true);
  perform set_config('role', p_role, true);
  execute format('select exists (select 1 from %s t, jsonb_populate_record(null::%s, $1) r where %s)', v_name, v_name, v_cond)
    into v_visible using p_row;
  return v_visible;
end
$$;
revoke all on function sandbox_realtime.can_select(text, text, regclass, jsonb) from public;

-- Storage: the secret that signs download URLs (Supabase signs them with the project's JWT
-- secret), generated once so signed URLs survive a restart.
create table if not exists storage.standin_url_signing_key (
  id boolean primary key default true check (id),
  secret text not null default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
  created_at timestamptz not null default now()
);
alter table storage.standin_url_signing_key enable row level security;
revoke all on storage.standin_url_signing_key from public, anon, authenticated, service_role;
insert into storage.standin_url_signing_key default values on conflict (id) do nothing;
