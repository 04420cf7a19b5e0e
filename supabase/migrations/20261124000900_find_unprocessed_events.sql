-- For the scheduled reconciliation: which of these Stripe event ids were never processed here
-- (never delivered, or failed)? Their customers are re-synced.
create function public.events_not_processed(p_ids text[]) returns setof text
language sql stable set search_path = '' as $$
  select i.id
  from unnest(p_ids) as i(id)
  where not exists (select 1 from public.stripe_events e where e.id = i.id and e.processed_at is not null)
$$;
revoke all on function public.events_not_processed(text[]) from public, anon, authenticated;
grant execute on function public.events_not_processed(text[]) to service_role;
