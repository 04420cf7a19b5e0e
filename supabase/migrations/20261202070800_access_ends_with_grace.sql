-- Access ends exactly when the past-due grace ends, without waiting for a re-sync: sync_customer
-- stores the moment access ends (entitlements.access_ends_at; null = no fixed end, Stripe's next
-- status change decides), and everything that reads access compares it with now() through
-- public.has_access(). Premium RLS uses it; public.has_feature() (issue 14) is meant to build on it.

alter table public.entitlements add column access_ends_at timestamptz;
comment on column public.entitlements.access_ends_at is
  'When access ends without any further sync (the end of the past-due grace); null: no fixed end.';

-- The end of a granting subscription's access that no Stripe event will announce: a past_due
-- subscription only grants within the grace, counted from the unpaid period's start.
create function billing.access_ends_at(
  p_grants boolean, p_status text, p_period_start timestamptz, p_grace interval
) returns timestamptz
language sql immutable set search_path = '' as $$
  select case when coalesce(p_grants, false) and p_status = 'past_due' then p_period_start + p_grace end
$$;
grant execute on function billing.access_ends_at(boolean, text, timestamptz, interval) to service_role;

-- Does the caller (auth.uid()) have access right now, to the given entitlement (any when null)?
-- The one access check for RLS and SQL: active, and not past the moment access ends.
create function public.has_access(p_entitlement text default null) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.entitlements e
    where e.user_id = (select auth.uid())
      and e.active
      and (e.access_ends_at is null or e.access_ends_at > now())
      and (p_entitlement is null or e.entitlement = p_entitlement)
  )
$$;
revoke all on function public.has_access(text) from public;
grant execute on function public.has_access(text) to anon, authenticated, service_role;

drop policy "Entitled users can read premium content" on public.premium_content;
create policy "Entitled users can read premium content"
  on public.premium_content for select
  to authenticated
  using ((select public.has_access(premium_content.entitlement)));

create or replace function public.sync_customer(
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
    user_id, active, entitlement, status, subscription_id, price_id, current_period_end, cancel_at,
    access_ends_at, updated_at
  )
  select v_user, coalesce(b.grants, false), b.entitlement, b.status, b.id, b.price_id, b.current_period_end,
         case when b.status in ('canceled', 'incomplete_expired') then null
              else coalesce(b.cancel_at, case when b.cancel_at_period_end then b.current_period_end end) end,
         billing.access_ends_at(b.grants, b.status, b.current_period_start, coalesce(v_grace, interval '0')),
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
        current_period_end = excluded.current_period_end, cancel_at = excluded.cancel_at,
        access_ends_at = excluded.access_ends_at, updated_at = now()
    where (e.active, e.entitlement, e.status, e.subscription_id, e.price_id, e.current_period_end, e.cancel_at,
           e.access_ends_at)
      is distinct from
          (excluded.active, excluded.entitlement, excluded.status, excluded.subscription_id, excluded.price_id,
           excluded.current_period_end, excluded.cancel_at, excluded.access_ends_at);

  select * into v_result from public.entitlements where user_id = v_user;
  return v_result;
end
$$;

revoke all on function public.sync_customer(text, jsonb, timestamptz, text) from public, anon, authenticated;
grant execute on function public.sync_customer(text, jsonb, timestamptz, text) to service_role;

-- The cron re-syncs a customer whose grace has run out, so the stored row catches up too.
create or replace function public.customers_to_reconcile(p_limit integer default 100, p_stale_after interval default interval '1 day')
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
     or exists (
       select 1 from public.entitlements e
       where e.user_id = c.user_id and e.active and e.access_ends_at <= now()
     )
  order by c.last_synced_at nulls first
  limit least(greatest(p_limit, 1), 1000)
$$;
revoke all on function public.customers_to_reconcile(integer, interval) from public, anon, authenticated;
grant execute on function public.customers_to_reconcile(integer, interval) to service_role;
