-- Admins (issue 18): what each admin did, and the lookups the admin commands and routes need.

create table public.admin_actions (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  -- The admin (auth.users id) or the root command ('cli:admin:grant') that acted.
  actor text not null,
  action text not null check (action in ('grant_admin', 'revoke_admin', 'resync', 'replay', 'doctor', 'doctor_repair')),
  target_user_id uuid references auth.users (id) on delete set null,
  -- What else the action was about: an event id, a doctor run id, an email.
  target text,
  detail jsonb not null default '{}'::jsonb
);
create index admin_actions_at_idx on public.admin_actions (at desc);
alter table public.admin_actions enable row level security;

create policy "Admins read the admin actions"
  on public.admin_actions for select
  to authenticated
  using ((select public.is_admin()));

-- The user with this email (Supabase Auth stores it lower-cased), for admin:grant / admin:revoke.
create function public.user_id_by_email(p_email text) returns uuid
language sql stable security definer set search_path = '' as $$
  select u.id from auth.users u where u.email = lower(trim(p_email)) and u.deleted_at is null limit 1
$$;
revoke all on function public.user_id_by_email(text) from public, anon, authenticated;
grant execute on function public.user_id_by_email(text) to service_role;
