-- A sync re-reads the customer's whole state from Stripe, so it also answers every event of that
-- customer the ledger had received before the read began: sync_customer_events marks those
-- processed too (in the same transaction). The queue consumer then skips messages whose event a
-- sync already covered, and a storm costs about one Stripe read per customer per wave, not per
-- batch. The 2-second margin keeps an event received just around the read (clocks of the Worker
-- and the database may differ slightly) for a sync of its own.
create index if not exists stripe_events_unprocessed_customer_idx
  on public.stripe_events (customer_id, received_at) where processed_at is null;

create or replace function public.sync_customer_events(
  p_customer_id text, p_subscriptions jsonb, p_snapshot_at timestamptz, p_event_ids text[]
) returns public.entitlements
language plpgsql set search_path = '' as $$
declare
  v_result public.entitlements;
begin
  v_result := public.sync_customer(p_customer_id, p_subscriptions, p_snapshot_at, null);
  update public.stripe_events set processed_at = coalesce(processed_at, now()), last_error = null
  where id = any(coalesce(p_event_ids, '{}'));
  update public.stripe_events set processed_at = now(), last_error = null
  where customer_id = p_customer_id and processed_at is null
    and received_at < p_snapshot_at - interval '2 seconds';
  return v_result;
end
$$;
revoke all on function public.sync_customer_events(text, jsonb, timestamptz, text[]) from public, anon, authenticated;
grant execute on function public.sync_customer_events(text, jsonb, timestamptz, text[]) to service_role;
