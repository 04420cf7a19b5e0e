-- The access history (20261202075700) records a change made by a purchase, a refund or a dispute
-- with its cause and event, like a change made by a subscription. The API writes a customer's
-- purchases (sync_purchases, 20261202081542) in their own transaction before the subscriptions;
-- that transaction declared no cause, so the entitlement it recomputed was recorded as 'database'.
-- sync_purchases_caused is sync_purchases with the cause; both wrappers declare it through one
-- function, so a new cause is added in one place.

-- Declares the cause, the ledger event and the actor of the changes made later in this
-- transaction (read by billing.record_entitlement_change). 'webhook' becomes 'webhook:<type>' of
-- the latest of p_event_ids in the ledger (that event is the event_id); other causes take
-- p_event_id as given (a replay names the replayed event). An unknown cause: 22023.
create function billing.declare_change_cause(
  p_cause text, p_event_ids text[], p_event_id text, p_actor text
) returns void
language plpgsql set search_path = '' as $$
declare
  v_cause text := nullif(p_cause, '');
  v_event_id text := p_event_id;
  v_type text;
begin
  if v_cause is not null and v_cause !~ '^(webhook(:[a-z0-9_.]+)?|checkout_sync|cron|plan_change|admin_resync|replay|doctor)$' then
    raise exception using errcode = '22023', message = format('unknown change cause %s', v_cause);
  end if;
  if v_cause = 'webhook' then
    select e.id, e.type into v_event_id, v_type
    from public.stripe_events e
    where e.id = any(coalesce(p_event_ids, '{}')) or e.id = p_event_id
    order by e.created desc, e.received_at desc
    limit 1;
    v_cause := case when v_type is null then 'webhook' else 'webhook:' || v_type end;
  end if;
  perform set_config('gatehouse.cause', coalesce(v_cause, ''), true);
  perform set_config('gatehouse.event_id', coalesce(v_event_id, ''), true);
  perform set_config('gatehouse.actor', coalesce(p_actor, ''), true);
end
$$;
revoke all on function billing.declare_change_cause(text, text[], text, text) from public, anon, authenticated;
grant execute on function billing.declare_change_cause(text, text[], text, text) to service_role;

-- As in 20261202112104_sync_keeps_unread_payment_events.sql (p_purchases_read; the cause as in
-- 20261202075700_entitlement_changes.sql), the cause now declared by billing.declare_change_cause.
create or replace function public.sync_customer_caused(
  p_customer_id text,
  p_subscriptions jsonb,
  p_snapshot_at timestamptz,
  p_event_ids text[] default '{}',
  p_cause text default null,
  p_event_id text default null,
  p_actor text default null,
  p_purchases_read boolean default true
) returns public.entitlements
language plpgsql set search_path = '' as $$
begin
  perform billing.declare_change_cause(p_cause, p_event_ids, p_event_id, p_actor);
  perform set_config('gatehouse.purchases_read', case when coalesce(p_purchases_read, true) then 'true' else 'false' end, true);
  return public.sync_customer_events(p_customer_id, p_subscriptions, p_snapshot_at, p_event_ids);
end
$$;
revoke all on function public.sync_customer_caused(text, jsonb, timestamptz, text[], text, text, text, boolean)
  from public, anon, authenticated;
grant execute on function public.sync_customer_caused(text, jsonb, timestamptz, text[], text, text, text, boolean)
  to service_role;

-- The purchases sync the API calls: sync_purchases with the cause of the change (same parameters
-- and rules as sync_customer_caused). It does not mark events processed: sync_customer_caused,
-- called next in the same sync, does.
create function public.sync_purchases_caused(
  p_customer_id text,
  p_purchases jsonb,
  p_snapshot_at timestamptz default now(),
  p_event_ids text[] default '{}',
  p_cause text default null,
  p_event_id text default null,
  p_actor text default null
) returns public.entitlements
language plpgsql set search_path = '' as $$
begin
  perform billing.declare_change_cause(p_cause, p_event_ids, p_event_id, p_actor);
  return public.sync_purchases(p_customer_id, p_purchases, p_snapshot_at);
end
$$;
revoke all on function public.sync_purchases_caused(text, jsonb, timestamptz, text[], text, text, text)
  from public, anon, authenticated;
grant execute on function public.sync_purchases_caused(text, jsonb, timestamptz, text[], text, text, text)
  to service_role;
