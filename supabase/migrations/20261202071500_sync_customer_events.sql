-- The queue consumer syncs a customer once for every event of that customer in a batch: the sync
-- and the marking of all those ledger events as processed happen in one transaction (one RPC
-- call). A wrapper around sync_customer, so that function keeps a single definition.
create function public.sync_customer_events(
  p_customer_id text, p_subscriptions jsonb, p_snapshot_at timestamptz, p_event_ids text[]
) returns public.entitlements
language plpgsql set search_path = '' as $$
declare
  v_result public.entitlements;
begin
  v_result := public.sync_customer(p_customer_id, p_subscriptions, p_snapshot_at, null);
  update public.stripe_events set processed_at = coalesce(processed_at, now()), last_error = null
  where id = any(coalesce(p_event_ids, '{}'));
  return v_result;
end
$$;

-- Marks many ledger events finished at once (a customer that is not Gatehouse's), or records why
-- they failed (p_error) and leaves them unprocessed for the consumer's retry, the cron and replay.
create function public.finish_stripe_events(p_ids text[], p_error text default null)
returns integer
language sql set search_path = '' as $$
  with done as (
    update public.stripe_events
    set processed_at = case when p_error is null then coalesce(processed_at, now()) else processed_at end,
        last_error = case when p_error is null then null when processed_at is null then p_error else last_error end
    where id = any(coalesce(p_ids, '{}'))
    returning 1
  )
  select count(*)::integer from done
$$;

revoke all on function public.sync_customer_events(text, jsonb, timestamptz, text[]) from public, anon, authenticated;
revoke all on function public.finish_stripe_events(text[], text) from public, anon, authenticated;
grant execute on function public.sync_customer_events(text, jsonb, timestamptz, text[]) to service_role;
grant execute on function public.finish_stripe_events(text[], text) to service_role;
