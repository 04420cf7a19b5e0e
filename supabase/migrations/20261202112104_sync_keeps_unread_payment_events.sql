-- The queue consumer re-reads a customer's one-time purchases only when they may have changed
-- (@gatehouse/billing, reads-purchases.ts): a payment event of the customer in its batch, or
-- purchases on record. A sync that did not read them must not answer the customer's payment events
-- either: sync_customer_events then leaves those unprocessed (their own messages, or the cron,
-- bring a sync that reads the purchases), and still answers the others.

-- Event types that may concern a one-time purchase (the payment, refunds, disputes). By type only:
-- a checkout session of either mode counts (the ledger does not keep its mode).
create function billing.may_concern_purchases(p_type text) returns boolean
language sql immutable set search_path = '' as $$
  select p_type like 'checkout.session.%' or p_type like 'charge.%'
      or p_type like 'payment_intent.%' or p_type like 'refund.%'
$$;
revoke all on function billing.may_concern_purchases(text) from public;
grant execute on function billing.may_concern_purchases(text) to service_role;

-- As in 20261202073300_sync_covers_earlier_events.sql, and: when the caller says it did not read
-- the purchases (gatehouse.purchases_read = 'false', set by sync_customer_caused), the sweep of
-- earlier events leaves those that may concern purchases. p_event_ids are marked as given.
create or replace function public.sync_customer_events(
  p_customer_id text, p_subscriptions jsonb, p_snapshot_at timestamptz, p_event_ids text[]
) returns public.entitlements
language plpgsql set search_path = '' as $$
declare
  v_result public.entitlements;
  v_purchases_read boolean := coalesce(current_setting('gatehouse.purchases_read', true), '') <> 'false';
begin
  v_result := public.sync_customer(p_customer_id, p_subscriptions, p_snapshot_at, null);
  update public.stripe_events set processed_at = coalesce(processed_at, now()), last_error = null
  where id = any(coalesce(p_event_ids, '{}'));
  update public.stripe_events set processed_at = now(), last_error = null
  where customer_id = p_customer_id and processed_at is null
    and received_at < p_snapshot_at - interval '2 seconds'
    and (v_purchases_read or not billing.may_concern_purchases(type));
  return v_result;
end
$$;
revoke all on function public.sync_customer_events(text, jsonb, timestamptz, text[]) from public, anon, authenticated;
grant execute on function public.sync_customer_events(text, jsonb, timestamptz, text[]) to service_role;

-- As in 20261202075700_entitlement_changes.sql, with p_purchases_read: did the caller re-read the
-- customer's purchases for this sync (default: yes)?
drop function public.sync_customer_caused(text, jsonb, timestamptz, text[], text, text, text);
create function public.sync_customer_caused(
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
  perform set_config('gatehouse.purchases_read', case when coalesce(p_purchases_read, true) then 'true' else 'false' end, true);
  return public.sync_customer_events(p_customer_id, p_subscriptions, p_snapshot_at, p_event_ids);
end
$$;
revoke all on function public.sync_customer_caused(text, jsonb, timestamptz, text[], text, text, text, boolean)
  from public, anon, authenticated;
grant execute on function public.sync_customer_caused(text, jsonb, timestamptz, text[], text, text, text, boolean)
  to service_role;
