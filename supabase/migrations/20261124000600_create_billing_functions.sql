-- The writes the API makes, as functions only the service role may execute. Each takes Stripe's
-- own JSON so the API passes what Stripe returned, and never trusts a webhook's copy of an object.

create table public.billing_settings (
  id boolean primary key default true check (id),
  -- Keep access this long after a renewal fails (status past_due), counted from the start of the
  -- unpaid period. Zero (the default) turns the grace period off.
  past_due_grace interval not null default interval '0 seconds'
);
insert into public.billing_settings default values;
alter table public.billing_settings enable row level security;

-- Internal helpers, outside the schemas the API exposes.
create schema if not exists billing;
revoke all on schema billing from public;
grant usage on schema billing to service_role;

create function billing.epoch(v jsonb) returns timestamptz
language sql immutable set search_path = '' as $$
  select case when v is null or jsonb_typeof(v) = 'null' then null else to_timestamp((v #>> '{}')::double precision) end
$$;

-- Same rules as statusGrantsAccess/subscriptionGrantsAccess in packages/types/src/entitlement.ts.
create function billing.grants_access(
  p_status text, p_entitlement text, p_period_start timestamptz, p_grace interval, p_now timestamptz
) returns boolean
language sql immutable set search_path = '' as $$
  select p_entitlement is not null and (
    p_status in ('active', 'trialing')
    or (p_status = 'past_due' and p_grace > interval '0' and p_period_start is not null
        and p_now < p_period_start + p_grace)
  )
$$;

create function billing.status_rank(p_status text) returns integer
language sql immutable set search_path = '' as $$
  select case p_status
    when 'active' then 7 when 'trialing' then 6 when 'past_due' then 5 when 'unpaid' then 4
    when 'paused' then 3 when 'incomplete' then 2 when 'canceled' then 1 else 0 end
$$;
grant execute on all functions in schema billing to service_role;

-- Records one delivery of an event (idempotent on the event id: a repeat counts an attempt).
-- Events Gatehouse does not act on (about a third of all deliveries) are recorded and marked
-- processed in the same call (p_processed).
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

-- Marks an event processed (no error) or failed (with the error, so it can be replayed).
create function public.finish_stripe_event(p_id text, p_error text default null) returns void
language sql set search_path = '' as $$
  update public.stripe_events
     set processed_at = case when p_error is null then now() else processed_at end,
         last_error = p_error
   where id = p_id
$$;

-- Upserts a Stripe product. Products without metadata.entitlement are not stored (they grant
-- nothing), unless already known: then the row follows Stripe. Returns whether a row was written.
create function public.upsert_product(p_product jsonb) returns boolean
language plpgsql set search_path = '' as $$
declare
  v_entitlement text := nullif(p_product -> 'metadata' ->> 'entitlement', '');
begin
  if p_product ->> 'id' is null then
    raise exception using errcode = '22023', message = 'p_product must be a Stripe product with an id';
  end if;
  if v_entitlement is null and not exists (select 1 from public.products where id = p_product ->> 'id') then
    return false;
  end if;
  insert into public.products as p (id, active, name, description, entitlement, metadata, updated_at)
  values (
    p_product ->> 'id',
    coalesce((p_product ->> 'active')::boolean, true) and not coalesce((p_product ->> 'deleted')::boolean, false),
    coalesce(p_product ->> 'name', p_product ->> 'id'),
    p_product ->> 'description',
    v_entitlement,
    coalesce(p_product -> 'metadata', '{}'::jsonb),
    now()
  )
  on conflict (id) do update
    set active = excluded.active, name = excluded.name, description = excluded.description,
        entitlement = excluded.entitlement, metadata = excluded.metadata, updated_at = now();
  return true;
end
$$;

-- Upserts a Stripe price of a stored product. Returns false (and stores nothing) otherwise.
create function public.upsert_price(p_price jsonb) returns boolean
language plpgsql set search_path = '' as $$
declare
  v_product text := coalesce(p_price -> 'product' ->> 'id', p_price ->> 'product');
begin
  if p_price ->> 'id' is null or v_product is null then
    raise exception using errcode = '22023', message = 'p_price must be a Stripe price with an id and a product';
  end if;
  if not exists (select 1 from public.products where id = v_product) then
    return false;
  end if;
  insert into public.prices as p (id, product_id, active, currency, unit_amount, type, interval, interval_count,
                                  trial_period_days, lookup_key, metadata, updated_at)
  values (
    p_price ->> 'id',
    v_product,
    coalesce((p_price ->> 'active')::boolean, true) and not coalesce((p_price ->> 'deleted')::boolean, false),
    coalesce(p_price ->> 'currency', 'usd'),
    (p_price ->> 'unit_amount')::bigint,
    coalesce(p_price ->> 'type', 'recurring'),
    p_price -> 'recurring' ->> 'interval',
    (p_price -> 'recurring' ->> 'interval_count')::integer,
    (p_price -> 'recurring' ->> 'trial_period_days')::integer,
    p_price ->> 'lookup_key',
    coalesce(p_price -> 'metadata', '{}'::jsonb),
    now()
  )
  on conflict (id) do update
    set product_id = excluded.product_id, active = excluded.active, currency = excluded.currency,
        unit_amount = excluded.unit_amount, type = excluded.type, interval = excluded.interval,
        interval_count = excluded.interval_count, trial_period_days = excluded.trial_period_days,
        lookup_key = excluded.lookup_key, metadata = excluded.metadata, updated_at = now();
  return true;
end
$$;

-- Binds a user to a Stripe customer, once: returns the customer id that is bound (the existing
-- one if the user was bound before). A customer id bound to another user is a unique violation.
create function public.bind_customer(p_user_id uuid, p_customer_id text) returns text
language plpgsql set search_path = '' as $$
declare
  v_bound text;
begin
  insert into public.customers (user_id, stripe_customer_id) values (p_user_id, p_customer_id)
  on conflict (user_id) do nothing;
  select stripe_customer_id into v_bound from public.customers where user_id = p_user_id;
  return v_bound;
end
$$;

-- One authoritative open Checkout Session per user, so concurrent checkouts for two plans can
-- never leave two payable sessions: the API records the session it opened with a compare-and-set,
-- and the request that loses expires its own session and hands out the winner's.
-- Sets the user's open session to p_session_id if it is still p_previous; returns the user's open
-- session after the call (p_session_id when this call won, the other request's otherwise).
create function public.claim_checkout_session(p_user_id uuid, p_session_id text, p_previous text)
returns text
language plpgsql set search_path = '' as $$
declare
  v_open text;
begin
  update public.customers
     set open_checkout_session_id = p_session_id
   where user_id = p_user_id and open_checkout_session_id is not distinct from p_previous
  returning open_checkout_session_id into v_open;
  if found then
    return v_open;
  end if;
  select open_checkout_session_id into v_open from public.customers where user_id = p_user_id;
  return v_open;
end
$$;

-- What the checkout route needs in one round trip: the price if it may be sold, the user's
-- customer id and open Checkout Session if any, whether the user already has access, and the
-- status of any subscription that is not over (a user whose subscription is past due, unpaid or
-- paused has no access, yet must not open a second one: they fix the first in the billing portal).
create function public.checkout_context(p_user_id uuid, p_price_id text) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'price', (
      select jsonb_build_object('id', pr.id, 'productId', pr.product_id, 'entitlement', pd.entitlement,
                                'interval', pr.interval, 'currency', pr.currency, 'unitAmount', pr.unit_amount,
                                'trialPeriodDays', pr.trial_period_days)
      from public.prices pr join public.products pd on pd.id = pr.product_id
      where pr.id = p_price_id and pr.active and pd.active and pr.type = 'recurring' and pd.entitlement is not null
    ),
    'customerId', (select c.stripe_customer_id from public.customers c where c.user_id = p_user_id),
    'openSessionId', (select c.open_checkout_session_id from public.customers c where c.user_id = p_user_id),
    'hasAccess', coalesce((select e.active from public.entitlements e where e.user_id = p_user_id), false),
    'openSubscriptionStatus', (
      select s.status from public.subscriptions s
      where s.user_id = p_user_id and s.status in ('active', 'trialing', 'past_due', 'unpaid', 'paused')
      order by billing.status_rank(s.status) desc
      limit 1
    )
  )
$$;

-- Syncs one customer from a full snapshot of their Stripe subscriptions (the JSON array
-- subscriptions.list({customer, status: 'all'}) returned), read at p_snapshot_at: upserts every
-- subscription, drops rows Stripe no longer lists, and recomputes the user's entitlement, all in
-- this one transaction. A snapshot read before the last applied one is ignored, so a slow
-- concurrent sync can never overwrite a newer state. With p_event_id, also marks that ledger
-- event processed in the same transaction. Returns the user's entitlement.
create function public.sync_customer(
  p_customer_id text, p_subscriptions jsonb, p_snapshot_at timestamptz default now(), p_event_id text default null
) returns public.entitlements
language plpgsql set search_path = '' as $$
declare
  v_user uuid;
  v_last timestamptz;
  v_grace interval;
  v_result public.entitlements;
begin
  if p_subscriptions is null or jsonb_typeof(p_subscriptions) <> 'array' then
    raise exception using errcode = '22023', message = 'p_subscriptions must be a JSON array of Stripe subscriptions';
  end if;
  if exists (
    select 1 from jsonb_array_elements(p_subscriptions) s
    where coalesce(s -> 'customer' ->> 'id', s ->> 'customer') is distinct from p_customer_id or s ->> 'id' is null
  ) then
    raise exception using errcode = '22023', message = format('every subscription must have an id and belong to customer %s', p_customer_id);
  end if;

  select c.user_id, c.last_synced_at into v_user, v_last
  from public.customers c where c.stripe_customer_id = p_customer_id
  for update;
  if not found then
    raise exception using errcode = 'P0002', message = format('unknown Stripe customer %s', p_customer_id),
      hint = 'bind the customer to a user first (bind_customer)';
  end if;

  if p_event_id is not null then
    update public.stripe_events set processed_at = now(), last_error = null where id = p_event_id;
  end if;

  if v_last is not null and v_last > p_snapshot_at then
    select * into v_result from public.entitlements where user_id = v_user;
    return v_result;
  end if;

  insert into public.subscriptions as t (
    id, user_id, stripe_customer_id, status, price_id, product_id, entitlement, quantity,
    cancel_at_period_end, cancel_at, canceled_at, ended_at, trial_start, trial_end,
    current_period_start, current_period_end, created, metadata, updated_at
  )
  select
    s ->> 'id', v_user, p_customer_id, s ->> 'status', i -> 'price' ->> 'id', pid,
    coalesce(pd.entitlement, nullif(i -> 'price' -> 'product' -> 'metadata' ->> 'entitlement', '')),
    (i ->> 'quantity')::integer,
    coalesce((s ->> 'cancel_at_period_end')::boolean, false),
    billing.epoch(s -> 'cancel_at'), billing.epoch(s -> 'canceled_at'), billing.epoch(s -> 'ended_at'),
    billing.epoch(s -> 'trial_start'), billing.epoch(s -> 'trial_end'),
    billing.epoch(coalesce(i -> 'current_period_start', s -> 'current_period_start')),
    billing.epoch(coalesce(i -> 'current_period_end', s -> 'current_period_end')),
    coalesce(billing.epoch(s -> 'created'), now()),
    coalesce(s -> 'metadata', '{}'::jsonb),
    now()
  from jsonb_array_elements(p_subscriptions) s
  cross join lateral (select s -> 'items' -> 'data' -> 0 as i) item
  cross join lateral (select coalesce(i -> 'price' -> 'product' ->> 'id', i -> 'price' ->> 'product') as pid) prod
  left join public.products pd on pd.id = pid
  on conflict (id) do update
    set user_id = excluded.user_id, stripe_customer_id = excluded.stripe_customer_id, status = excluded.status,
        price_id = excluded.price_id, product_id = excluded.product_id, entitlement = excluded.entitlement,
        quantity = excluded.quantity, cancel_at_period_end = excluded.cancel_at_period_end,
        cancel_at = excluded.cancel_at, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
        trial_start = excluded.trial_start, trial_end = excluded.trial_end,
        current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
        created = excluded.created, metadata = excluded.metadata, updated_at = now();

  delete from public.subscriptions t
  where t.stripe_customer_id = p_customer_id
    and not exists (select 1 from jsonb_array_elements(p_subscriptions) s where s ->> 'id' = t.id);

  update public.customers set last_synced_at = p_snapshot_at where stripe_customer_id = p_customer_id;

  select past_due_grace into v_grace from public.billing_settings;

  insert into public.entitlements as e (
    user_id, active, entitlement, status, subscription_id, price_id, current_period_end, cancel_at, updated_at
  )
  select v_user, coalesce(b.grants, false), b.entitlement, b.status, b.id, b.price_id, b.current_period_end,
         case when b.status in ('canceled', 'incomplete_expired') then null
              else coalesce(b.cancel_at, case when b.cancel_at_period_end then b.current_period_end end) end,
         now()
  from (select 1) one
  left join lateral (
    select s.*, billing.grants_access(s.status, s.entitlement, s.current_period_start, coalesce(v_grace, interval '0'), now()) as grants
    from public.subscriptions s
    where s.user_id = v_user
    order by grants desc, billing.status_rank(s.status) desc, s.current_period_end desc nulls last,
             s.created desc, s.id collate "C" asc
    limit 1
  ) b on true
  on conflict (user_id) do update
    set active = excluded.active, entitlement = excluded.entitlement, status = excluded.status,
        subscription_id = excluded.subscription_id, price_id = excluded.price_id,
        current_period_end = excluded.current_period_end, cancel_at = excluded.cancel_at, updated_at = now()
    where (e.active, e.entitlement, e.status, e.subscription_id, e.price_id, e.current_period_end, e.cancel_at)
      is distinct from
          (excluded.active, excluded.entitlement, excluded.status, excluded.subscription_id, excluded.price_id,
           excluded.current_period_end, excluded.cancel_at);

  select * into v_result from public.entitlements where user_id = v_user;
  return v_result;
end
$$;

-- Customers whose mirror may be stale, for the scheduled reconciliation: never synced, synced
-- long ago, or holding a subscription whose period has ended without a final status.
create function public.customers_to_reconcile(p_limit integer default 100, p_stale_after interval default interval '1 day')
returns setof text
language sql stable set search_path = '' as $$
  select c.stripe_customer_id
  from public.customers c
  where c.last_synced_at is null
     or c.last_synced_at < now() - p_stale_after
     or exists (
       select 1 from public.subscriptions s
       where s.stripe_customer_id = c.stripe_customer_id
         and s.status not in ('canceled', 'incomplete_expired')
         and s.current_period_end < now()
     )
  order by c.last_synced_at nulls first
  limit least(greatest(p_limit, 1), 1000)
$$;

-- For the scheduled reconciliation: which of these Stripe event ids were never processed here
-- (never delivered, or failed)? Their customers are re-synced.
create function public.events_not_processed(p_ids text[]) returns setof text
language sql stable set search_path = '' as $$
  select i.id
  from unnest(p_ids) as i(id)
  where not exists (select 1 from public.stripe_events e where e.id = i.id and e.processed_at is not null)
$$;

-- Only the service role may call the writing functions (Supabase grants execute to the API roles
-- by default, so take it back explicitly).
revoke all on function public.record_stripe_event(text, text, timestamptz, text, boolean) from public, anon, authenticated;
revoke all on function public.finish_stripe_event(text, text) from public, anon, authenticated;
revoke all on function public.upsert_product(jsonb) from public, anon, authenticated;
revoke all on function public.upsert_price(jsonb) from public, anon, authenticated;
revoke all on function public.bind_customer(uuid, text) from public, anon, authenticated;
revoke all on function public.claim_checkout_session(uuid, text, text) from public, anon, authenticated;
revoke all on function public.checkout_context(uuid, text) from public, anon, authenticated;
revoke all on function public.sync_customer(text, jsonb, timestamptz, text) from public, anon, authenticated;
revoke all on function public.customers_to_reconcile(integer, interval) from public, anon, authenticated;
revoke all on function public.events_not_processed(text[]) from public, anon, authenticated;
grant execute on function
  public.record_stripe_event(text, text, timestamptz, text, boolean),
  public.finish_stripe_event(text, text),
  public.upsert_product(jsonb),
  public.upsert_price(jsonb),
  public.bind_customer(uuid, text),
  public.claim_checkout_session(uuid, text, text),
  public.checkout_context(uuid, text),
  public.sync_customer(text, jsonb, timestamptz, text),
  public.customers_to_reconcile(integer, interval),
  public.events_not_processed(text[])
to service_role;
