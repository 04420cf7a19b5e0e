-- Tiers with features (issue 14): features are Stripe Entitlements features attached to products,
-- mirrored here like products and prices. A user's entitlement holds the union of the features of
-- the products of their granting subscriptions, and public.has_feature() answers for the caller.
-- Trials are recorded for good (one trial per user and per customer).

-- The mirror of Stripe's entitlements.features (by lookup_key) and of each product's features.
create table public.features (
  lookup_key text primary key,
  stripe_id text unique,
  name text not null,
  active boolean not null default true,
  updated_at timestamptz not null default now()
);
alter table public.features enable row level security;

create policy "Anyone can read active features"
  on public.features for select
  to anon, authenticated
  using (active);

create table public.product_features (
  product_id text not null references public.products (id) on delete cascade,
  feature text not null references public.features (lookup_key) on delete cascade,
  primary key (product_id, feature)
);
create index product_features_feature_idx on public.product_features (feature);
alter table public.product_features enable row level security;

create policy "Anyone can read the features of active products"
  on public.product_features for select
  to anon, authenticated
  using (exists (select 1 from public.products p where p.id = product_id and p.active));

-- What a scheduled change (subscription schedule) will switch each subscription to, and when.
alter table public.subscriptions
  add column schedule_id text,
  add column scheduled_price_id text,
  add column scheduled_at timestamptz;

alter table public.entitlements
  add column features text[] not null default '{}',
  add column source text check (source in ('subscription', 'purchase')),
  add column trial_end timestamptz,
  add column scheduled_price_id text,
  add column scheduled_at timestamptz;

-- Every trial a user or a Stripe customer ever had. Never deleted when Stripe stops listing the
-- subscription, so a former trialer never gets a second trial.
create table public.trials (
  subscription_id text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  stripe_customer_id text not null,
  trial_start timestamptz,
  trial_end timestamptz,
  recorded_at timestamptz not null default now()
);
create index trials_user_id_idx on public.trials (user_id);
create index trials_customer_idx on public.trials (stripe_customer_id);
-- No policies: only the service role reads or writes trials.
alter table public.trials enable row level security;

insert into public.trials (subscription_id, user_id, stripe_customer_id, trial_start, trial_end)
select id, user_id, stripe_customer_id, trial_start, trial_end from public.subscriptions where trial_start is not null
on conflict do nothing;

-- Does the caller hold this feature right now? For RLS on premium rows and Storage policies. The
-- same access rule as public.has_access() (active, and not past access_ends_at, the end of the
-- past-due grace), plus the feature.
create function public.has_feature(feature text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.entitlements e
    where e.user_id = (select auth.uid())
      and e.active
      and (e.access_ends_at is null or e.access_ends_at > now())
      and has_feature.feature = any (e.features)
  )
$$;
revoke all on function public.has_feature(text) from public;
grant execute on function public.has_feature(text) to anon, authenticated, service_role;

-- Recomputes one user's entitlement from their mirrored subscriptions (same rules as
-- deriveEntitlement in packages/types/src/entitlement.ts): the best subscription gives the status,
-- dates and scheduled change; the features are the union over every granting subscription. Access
-- ends (access_ends_at, 20261202070800) at the earliest end of the grace among the granting
-- subscriptions: when a past-due one's grace runs out, access stops until the cron's re-sync
-- recomputes the rest (never longer than paid for).
create function billing.recompute_entitlement(p_user_id uuid) returns public.entitlements
language plpgsql set search_path = '' as $$
declare
  v_grace interval;
  v_result public.entitlements;
begin
  select past_due_grace into v_grace from public.billing_settings;
  v_grace := coalesce(v_grace, interval '0');

  insert into public.entitlements as e (
    user_id, active, entitlement, status, subscription_id, price_id, current_period_end, cancel_at,
    access_ends_at, features, source, trial_end, scheduled_price_id, scheduled_at, updated_at
  )
  select p_user_id, coalesce(b.grants, false), b.entitlement, b.status, b.id, b.price_id, b.current_period_end,
         case when b.status in ('canceled', 'incomplete_expired') then null
              else coalesce(b.cancel_at, case when b.cancel_at_period_end then b.current_period_end end) end,
         f.access_ends_at,
         coalesce(f.features, '{}'),
         case when coalesce(b.grants, false) then 'subscription' end,
         case when b.status = 'trialing' then b.trial_end end,
         case when b.status not in ('canceled', 'incomplete_expired') then b.scheduled_price_id end,
         case when b.status not in ('canceled', 'incomplete_expired') then b.scheduled_at end,
         now()
  from (select 1) one
  left join lateral (
    select s.*, billing.grants_access(s.status, s.entitlement, s.current_period_start, v_grace, now()) as grants
    from public.subscriptions s
    where s.user_id = p_user_id
    order by grants desc, billing.status_rank(s.status) desc, s.current_period_end desc nulls last,
             s.created desc, s.id collate "C" asc
    limit 1
  ) b on true
  left join lateral (
    select array_agg(distinct pf.feature collate "C" order by pf.feature collate "C")
             filter (where pf.feature is not null) as features,
           min(billing.access_ends_at(true, s.status, s.current_period_start, v_grace)) as access_ends_at
    from public.subscriptions s
    left join public.product_features pf on pf.product_id = s.product_id
    where s.user_id = p_user_id
      and billing.grants_access(s.status, s.entitlement, s.current_period_start, v_grace, now())
  ) f on true
  on conflict (user_id) do update
    set active = excluded.active, entitlement = excluded.entitlement, status = excluded.status,
        subscription_id = excluded.subscription_id, price_id = excluded.price_id,
        current_period_end = excluded.current_period_end, cancel_at = excluded.cancel_at,
        access_ends_at = excluded.access_ends_at, features = excluded.features, source = excluded.source, trial_end = excluded.trial_end,
        scheduled_price_id = excluded.scheduled_price_id, scheduled_at = excluded.scheduled_at, updated_at = now()
    where (e.active, e.entitlement, e.status, e.subscription_id, e.price_id, e.current_period_end, e.cancel_at,
           e.access_ends_at, e.features, e.source, e.trial_end, e.scheduled_price_id, e.scheduled_at)
      is distinct from
          (excluded.active, excluded.entitlement, excluded.status, excluded.subscription_id, excluded.price_id,
           excluded.current_period_end, excluded.cancel_at, excluded.access_ends_at, excluded.features,
           excluded.source, excluded.trial_end, excluded.scheduled_price_id, excluded.scheduled_at);

  select * into v_result from public.entitlements where user_id = p_user_id;
  return v_result;
end
$$;
revoke all on function billing.recompute_entitlement(uuid) from public;
grant execute on function billing.recompute_entitlement(uuid) to service_role;

-- Upserts a Stripe product and, when p_features is given (the product's features as
-- products.listFeatures returned them), its features. A product is stored when it carries
-- metadata.entitlement (its tier), has features, or is already known. When its features change,
-- the entitlements of its subscribers are recomputed in the same transaction.
drop function public.upsert_product(jsonb);
create function public.upsert_product(p_product jsonb, p_features jsonb default null) returns boolean
language plpgsql set search_path = '' as $$
declare
  v_id text := p_product ->> 'id';
  v_entitlement text := nullif(p_product -> 'metadata' ->> 'entitlement', '');
  v_wanted text[];
  v_had text[];
  v_user uuid;
begin
  if v_id is null then
    raise exception using errcode = '22023', message = 'p_product must be a Stripe product with an id';
  end if;
  if p_features is not null and jsonb_typeof(p_features) <> 'array' then
    raise exception using errcode = '22023', message = 'p_features must be a JSON array of Stripe product features';
  end if;
  if v_entitlement is null and coalesce(jsonb_array_length(p_features), 0) = 0
     and not exists (select 1 from public.products where id = v_id) then
    return false;
  end if;
  insert into public.products as p (id, active, name, description, entitlement, metadata, updated_at)
  values (
    v_id,
    coalesce((p_product ->> 'active')::boolean, true) and not coalesce((p_product ->> 'deleted')::boolean, false),
    coalesce(p_product ->> 'name', v_id),
    p_product ->> 'description',
    v_entitlement,
    coalesce(p_product -> 'metadata', '{}'::jsonb),
    now()
  )
  on conflict (id) do update
    set active = excluded.active, name = excluded.name, description = excluded.description,
        entitlement = excluded.entitlement, metadata = excluded.metadata, updated_at = now();

  if p_features is null then
    return true;
  end if;

  insert into public.features as f (lookup_key, stripe_id, name, active, updated_at)
  select distinct on (ef ->> 'lookup_key')
         ef ->> 'lookup_key', ef ->> 'id', coalesce(ef ->> 'name', ef ->> 'lookup_key'),
         coalesce((ef ->> 'active')::boolean, true), now()
  from jsonb_array_elements(p_features) pf
  cross join lateral (select pf -> 'entitlement_feature' as ef) x
  where ef ->> 'lookup_key' is not null
  on conflict (lookup_key) do update
    set stripe_id = excluded.stripe_id, name = excluded.name, active = excluded.active, updated_at = now();

  select coalesce(array_agg(distinct pf -> 'entitlement_feature' ->> 'lookup_key'
                            order by pf -> 'entitlement_feature' ->> 'lookup_key'), '{}')
    into v_wanted
  from jsonb_array_elements(p_features) pf
  where pf -> 'entitlement_feature' ->> 'lookup_key' is not null;
  select coalesce(array_agg(feature order by feature), '{}') into v_had
  from public.product_features where product_id = v_id;
  if v_wanted = v_had then
    return true;
  end if;

  delete from public.product_features where product_id = v_id and not (feature = any (v_wanted));
  insert into public.product_features (product_id, feature)
  select v_id, unnest(v_wanted) on conflict do nothing;

  for v_user in select distinct s.user_id from public.subscriptions s where s.product_id = v_id loop
    perform billing.recompute_entitlement(v_user);
  end loop;
  return true;
end
$$;
revoke all on function public.upsert_product(jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.upsert_product(jsonb, jsonb) to service_role;

-- Syncs one customer from a full snapshot of their Stripe subscriptions (see the first version in
-- 20261124000600). A subscription may carry its schedule expanded (`schedule` as an object): the
-- phase starting at or after the current period's end is the scheduled change. Trials are recorded
-- in public.trials for good.
create or replace function public.sync_customer(
  p_customer_id text, p_subscriptions jsonb, p_snapshot_at timestamptz default now(), p_event_id text default null
) returns public.entitlements
language plpgsql set search_path = '' as $$
declare
  v_user uuid;
  v_last timestamptz;
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

  -- Trials are history: recorded even from a stale snapshot.
  insert into public.trials (subscription_id, user_id, stripe_customer_id, trial_start, trial_end)
  select s ->> 'id', v_user, p_customer_id, billing.epoch(s -> 'trial_start'), billing.epoch(s -> 'trial_end')
  from jsonb_array_elements(p_subscriptions) s
  where billing.epoch(s -> 'trial_start') is not null
  on conflict (subscription_id) do nothing;

  if v_last is not null and v_last > p_snapshot_at then
    select * into v_result from public.entitlements where user_id = v_user;
    return v_result;
  end if;

  insert into public.subscriptions as t (
    id, user_id, stripe_customer_id, status, price_id, product_id, entitlement, quantity,
    cancel_at_period_end, cancel_at, canceled_at, ended_at, trial_start, trial_end,
    current_period_start, current_period_end, created, metadata, schedule_id, scheduled_price_id, scheduled_at,
    updated_at
  )
  select
    s ->> 'id', v_user, p_customer_id, s ->> 'status', i -> 'price' ->> 'id', pid,
    coalesce(pd.entitlement, nullif(i -> 'price' -> 'product' -> 'metadata' ->> 'entitlement', '')),
    (i ->> 'quantity')::integer,
    coalesce((s ->> 'cancel_at_period_end')::boolean, false),
    billing.epoch(s -> 'cancel_at'), billing.epoch(s -> 'canceled_at'), billing.epoch(s -> 'ended_at'),
    billing.epoch(s -> 'trial_start'), billing.epoch(s -> 'trial_end'),
    period_start, period_end,
    coalesce(billing.epoch(s -> 'created'), now()),
    coalesce(s -> 'metadata', '{}'::jsonb),
    coalesce(s -> 'schedule' ->> 'id', case when jsonb_typeof(s -> 'schedule') = 'string' then s ->> 'schedule' end),
    coalesce(nx -> 'items' -> 0 -> 'price' ->> 'id', nx -> 'items' -> 0 ->> 'price'),
    billing.epoch(nx -> 'start_date'),
    now()
  from jsonb_array_elements(p_subscriptions) s
  cross join lateral (select s -> 'items' -> 'data' -> 0 as i) item
  cross join lateral (select coalesce(i -> 'price' -> 'product' ->> 'id', i -> 'price' ->> 'product') as pid) prod
  cross join lateral (
    select billing.epoch(coalesce(i -> 'current_period_start', s -> 'current_period_start')) as period_start,
           billing.epoch(coalesce(i -> 'current_period_end', s -> 'current_period_end')) as period_end
  ) period
  left join lateral (
    select ph as nx
    from jsonb_array_elements(
      case when jsonb_typeof(s -> 'schedule') = 'object' and s -> 'schedule' ->> 'status' in ('not_started', 'active')
           then coalesce(s -> 'schedule' -> 'phases', '[]'::jsonb) else '[]'::jsonb end
    ) ph
    where period_end is not null and billing.epoch(ph -> 'start_date') >= period_end
    order by (ph ->> 'start_date')::double precision
    limit 1
  ) next_phase on true
  left join public.products pd on pd.id = pid
  on conflict (id) do update
    set user_id = excluded.user_id, stripe_customer_id = excluded.stripe_customer_id, status = excluded.status,
        price_id = excluded.price_id, product_id = excluded.product_id, entitlement = excluded.entitlement,
        quantity = excluded.quantity, cancel_at_period_end = excluded.cancel_at_period_end,
        cancel_at = excluded.cancel_at, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
        trial_start = excluded.trial_start, trial_end = excluded.trial_end,
        current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
        created = excluded.created, metadata = excluded.metadata, schedule_id = excluded.schedule_id,
        scheduled_price_id = excluded.scheduled_price_id, scheduled_at = excluded.scheduled_at, updated_at = now();

  delete from public.subscriptions t
  where t.stripe_customer_id = p_customer_id
    and not exists (select 1 from jsonb_array_elements(p_subscriptions) s where s ->> 'id' = t.id);

  update public.customers set last_synced_at = p_snapshot_at where stripe_customer_id = p_customer_id;

  return billing.recompute_entitlement(v_user);
end
$$;
revoke all on function public.sync_customer(text, jsonb, timestamptz, text) from public, anon, authenticated;
grant execute on function public.sync_customer(text, jsonb, timestamptz, text) to service_role;

-- checkout_context gains the trial decision: a price's trial is offered only to a user who, and
-- whose Stripe customer, never had one.
create or replace function public.checkout_context(p_user_id uuid, p_price_id text) returns jsonb
language sql stable set search_path = '' as $$
  with ctx as (
    select
      (select c.stripe_customer_id from public.customers c where c.user_id = p_user_id) as customer_id,
      (select c.open_checkout_session_id from public.customers c where c.user_id = p_user_id) as open_session_id
  ), trial as (
    select not exists (
      select 1 from public.trials t, ctx
      where t.user_id = p_user_id or t.stripe_customer_id = ctx.customer_id
    ) and not exists (
      select 1 from public.subscriptions s where s.user_id = p_user_id and s.trial_start is not null
    ) as eligible
  )
  select jsonb_build_object(
    'price', (
      select jsonb_build_object('id', pr.id, 'productId', pr.product_id, 'entitlement', pd.entitlement,
                                'interval', pr.interval, 'currency', pr.currency, 'unitAmount', pr.unit_amount,
                                'trialPeriodDays', case when trial.eligible then pr.trial_period_days end,
                                'catalogTrialDays', pr.trial_period_days)
      from public.prices pr join public.products pd on pd.id = pr.product_id
      where pr.id = p_price_id and pr.active and pd.active and pr.type = 'recurring' and pd.entitlement is not null
    ),
    'customerId', ctx.customer_id,
    'openSessionId', ctx.open_session_id,
    'trialEligible', trial.eligible,
    'hasAccess', coalesce((select e.active from public.entitlements e where e.user_id = p_user_id), false),
    'openSubscriptionStatus', (
      select s.status from public.subscriptions s
      where s.user_id = p_user_id and s.status in ('active', 'trialing', 'past_due', 'unpaid', 'paused')
      order by billing.status_rank(s.status) desc
      limit 1
    )
  )
  from ctx, trial
$$;
revoke all on function public.checkout_context(uuid, text) from public, anon, authenticated;
grant execute on function public.checkout_context(uuid, text) to service_role;

-- May this user still have a trial? For /api/me (the pricing page shows a trial only then).
create function public.trial_eligible(p_user_id uuid) returns boolean
language sql stable set search_path = '' as $$
  select not exists (
    select 1 from public.trials t
    where t.user_id = p_user_id
       or t.stripe_customer_id = (select c.stripe_customer_id from public.customers c where c.user_id = p_user_id)
  ) and not exists (select 1 from public.subscriptions s where s.user_id = p_user_id and s.trial_start is not null)
$$;
revoke all on function public.trial_eligible(uuid) from public, anon, authenticated;
grant execute on function public.trial_eligible(uuid) to service_role;
