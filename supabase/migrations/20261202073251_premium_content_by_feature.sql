-- Premium rows name the feature they need (issue 14): premium_content.feature replaces
-- premium_content.entitlement, and RLS asks public.has_feature(), which holds the access rule
-- (active, not past access_ends_at) and the feature. Existing rows keep their old key as
-- library.<key> (the demo seed names the catalog's features directly).
alter table public.premium_content add column feature text;
update public.premium_content set feature = 'library.' || entitlement;
alter table public.premium_content alter column feature set not null;
drop policy "Entitled users can read premium content" on public.premium_content;
alter table public.premium_content drop column entitlement;
create index premium_content_feature_idx on public.premium_content (feature);

create policy "Users holding the feature can read premium content"
  on public.premium_content for select
  to authenticated
  using ((select public.has_feature(premium_content.feature)));

drop function public.premium_previews();
-- Titles and summaries (never bodies), with the feature each row needs, for the locked state.
create function public.premium_previews()
returns table (slug text, title text, summary text, feature text, "position" integer)
language sql
stable
security definer
set search_path = ''
as $$
  select c.slug, c.title, c.summary, c.feature, c.position
  from public.premium_content c
  order by c.position, c.id
$$;
revoke all on function public.premium_previews() from public;
grant execute on function public.premium_previews() to anon, authenticated, service_role;
