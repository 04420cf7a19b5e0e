-- The digital product itself. The database decides who reads it.

create table public.premium_content (
  id bigint generated always as identity primary key,
  slug text not null unique,
  title text not null,
  summary text not null default '',
  body text not null,
  entitlement text not null default 'pro',
  position integer not null default 0,
  created_at timestamptz not null default now()
);
alter table public.premium_content enable row level security;

create policy "Entitled users can read premium content"
  on public.premium_content for select
  to authenticated
  using (
    exists (
      select 1 from public.entitlements e
      where e.user_id = (select auth.uid())
        and e.active
        and e.entitlement = premium_content.entitlement
    )
  );

-- Titles and summaries (never bodies) for the locked state that invites people to subscribe.
create function public.premium_previews()
returns table (slug text, title text, summary text, entitlement text, "position" integer)
language sql
stable
security definer
set search_path = ''
as $$
  select c.slug, c.title, c.summary, c.entitlement, c.position
  from public.premium_content c
  order by c.position, c.id
$$;
revoke all on function public.premium_previews() from public;
grant execute on function public.premium_previews() to anon, authenticated, service_role;
