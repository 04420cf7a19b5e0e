-- Events Gatehouse does not act on (about a third of all deliveries) are recorded and marked
-- processed in one call instead of two: record_stripe_event gains p_processed.
drop function public.record_stripe_event(text, text, timestamptz, text);

create function public.record_stripe_event(
  p_id text, p_type text, p_created timestamptz, p_customer_id text default null, p_processed boolean default false
) returns public.stripe_events
language sql set search_path = '' as $$
  insert into public.stripe_events as e (id, type, created, customer_id, processed_at)
  values (p_id, p_type, p_created, p_customer_id, case when p_processed then now() end)
  on conflict (id) do update
    set attempts = e.attempts + 1,
        last_attempt_at = now(),
        customer_id = coalesce(excluded.customer_id, e.customer_id),
        processed_at = coalesce(e.processed_at, excluded.processed_at),
        last_error = case when excluded.processed_at is not null then null else e.last_error end
  returning e.*
$$;
revoke all on function public.record_stripe_event(text, text, timestamptz, text, boolean) from public, anon, authenticated;
grant execute on function public.record_stripe_event(text, text, timestamptz, text, boolean) to service_role;
