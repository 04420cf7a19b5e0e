-- One-time purchases (issue 16): a "lifetime" price sold through a payment-mode Checkout. Each paid
-- Checkout Session is mirrored in public.purchases by re-reading Stripe (the session, its payment
-- intent and charge, the charge's disputes), never from an event's copy. A purchase grants its
-- product's features for good, until it is refunded in full or a dispute is lost. The entitlement
-- is the union of what granting subscriptions and purchases give.

-- Prices: the currencies a price is also sold in (Stripe's currency_options, `{usd: {unit_amount,
-- tax_behavior}}`, the price's own currency excluded) and whether tax is included or added.
alter table public.prices
  add column currency_options jsonb not null default '{}'::jsonb,
  add column tax_behavior text check (tax_behavior in ('inclusive', 'exclusive', 'unspecified'));

create table public.purchases (
  -- The Checkout Session id (cs_…).
  id text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  stripe_customer_id text not null,
  price_id text,
  product_id text,
  status text not null check (status in ('paid', 'refunded', 'disputed')),
  -- What the buyer paid (tax included), in minor units of currency.
  amount bigint not null,
  amount_tax bigint not null default 0,
  amount_refunded bigint not null default 0,
  currency text not null,
  payment_intent_id text,
  charge_id text,
  receipt_url text,
  created_at timestamptz not null,
  -- The Stripe snapshot this row comes from: an older snapshot never overwrites a newer one.
  synced_at timestamptz not null,
  updated_at timestamptz not null default now()
);
create index purchases_user_id_idx on public.purchases (user_id);
create index purchases_customer_idx on public.purchases (stripe_customer_id);
alter table public.purchases enable row level security;

create policy "Owners read their own purchases"
  on public.purchases for select
  to authenticated
  using (user_id = (select auth.uid()));

-- The mirror stores currency_options and tax_behavior. A price read without
-- expand[]=currency_options (no `currency_options` key) keeps the options already stored.
create or replace function public.upsert_price(p_price jsonb) returns boolean
language plpgsql set search_path = '' as $$
declare
  v_product text := coalesce(p_price -> 'product' ->> 'id', p_price ->> 'product');
  v_options jsonb;
begin
  if p_price ->> 'id' is null or v_product is null then
    raise exception using errcode = '22023', message = 'p_price must be a Stripe price with an id and a product';
  end if;
  if not exists (select 1 from public.products where id = v_product) then
    return false;
  end if;
  if jsonb_typeof(p_price -> 'currency_options') = 'object' then
    select coalesce(jsonb_object_agg(o.key, jsonb_build_object(
             'unit_amount', (o.value ->> 'unit_amount')::bigint,
             'tax_behavior', o.value ->> 'tax_behavior')), '{}'::jsonb)
      into v_options
    from jsonb_each(p_price -> 'currency_options') o
    where o.key <> coalesce(p_price ->> 'currency', '') and o.value ->> 'unit_amount' is not null;
  end if;
  insert into public.prices as p (id, product_id, active, currency, unit_amount, type, interval, interval_count,
                                  trial_period_days, lookup_key, metadata, currency_options, tax_behavior, updated_at)
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
    coalesce(v_options, '{}'::jsonb),
    p_price ->> 'tax_behavior',
    now()
  )
  on conflict (id) do update
    set product_id = excluded.product_id, active = excluded.active, currency = excluded.currency,
        unit_amount = excluded.unit_amount, type = excluded.type, interval = excluded.interval,
        interval_count = excluded.interval_count, trial_period_days = excluded.trial_period_days,
        lookup_key = excluded.lookup_key, metadata = excluded.metadata,
        currency_options = case when v_options is null then p.currency_options else excluded.currency_options end,
        tax_behavior = excluded.tax_behavior, updated_at = now();
  return true;
end
$$;
revoke all on function public.upsert_price(jsonb) from public, anon, authenticated;
grant execute on function public.upsert_price(jsonb) to service_role;

-- The entitlement (20261202071617; its changes are recorded by the trigger of 20261202075700) now counts paid purchases too: access when a subscription or a
-- purchase grants it; features are the union of both; source is 'purchase' when a purchase grants
-- (it never ends by itself), else 'subscription'; then the tier (entitlement) and price_id are the
-- purchase's. A purchase has no end, so access_ends_at stays null while one grants. Status, dates and scheduled change still come from the best subscription.
create or replace function billing.recompute_entitlement(p_user_id uuid) returns public.entitlements
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
  select p_user_id, coalesce(b.grants, false) or pp.id is not null,
         case when pp.id is not null then coalesce(pp.entitlement, b.entitlement) else b.entitlement end,
         b.status, b.id,
         case when pp.id is not null then pp.price_id else b.price_id end,
         b.current_period_end,
         case when b.status in ('canceled', 'incomplete_expired') then null
              else coalesce(b.cancel_at, case when b.cancel_at_period_end then b.current_period_end end) end,
         case when pp.id is null then f.access_ends_at end,
         coalesce((
           select array_agg(distinct x collate "C" order by x collate "C")
           from unnest(coalesce(f.features, '{}') || coalesce(pf.features, '{}')) x
         ), '{}'),
         case when pp.id is not null then 'purchase' when coalesce(b.grants, false) then 'subscription' end,
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
  left join lateral (
    select p.id, p.price_id, pd.entitlement
    from public.purchases p
    left join public.products pd on pd.id = p.product_id
    where p.user_id = p_user_id and p.status = 'paid'
    order by p.created_at asc, p.id collate "C" asc
    limit 1
  ) pp on true
  left join lateral (
    select array_agg(distinct pf.feature collate "C" order by pf.feature collate "C")
             filter (where pf.feature is not null) as features
    from public.purchases p
    left join public.product_features pf on pf.product_id = p.product_id
    where p.user_id = p_user_id and p.status = 'paid'
  ) pf on true
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

-- Writes a customer's purchases from a snapshot of Stripe (p_purchases: what sync-purchases.ts
-- derives from each paid payment-mode Checkout Session), then recomputes the entitlement. A row
-- is only replaced by a snapshot at least as new as the one it came from. Purchases are never
-- deleted: Stripe keeps every Checkout Session.
create function public.sync_purchases(
  p_customer_id text, p_purchases jsonb, p_snapshot_at timestamptz default now()
) returns public.entitlements
language plpgsql set search_path = '' as $$
declare
  v_user uuid;
begin
  if p_purchases is null or jsonb_typeof(p_purchases) <> 'array' then
    raise exception using errcode = '22023', message = 'p_purchases must be a JSON array of purchases';
  end if;
  if exists (
    select 1 from jsonb_array_elements(p_purchases) x
    where x ->> 'id' is null or x ->> 'id' not like 'cs\_%'
       or x ->> 'status' is null or x ->> 'status' not in ('paid', 'refunded', 'disputed')
       or x ->> 'amount' is null or x ->> 'currency' is null or x ->> 'createdAt' is null
  ) then
    raise exception using errcode = '22023',
      message = 'every purchase needs an id (cs_…), a status (paid, refunded, disputed), an amount, a currency and createdAt';
  end if;

  select c.user_id into v_user from public.customers c where c.stripe_customer_id = p_customer_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = format('unknown Stripe customer %s', p_customer_id),
      hint = 'bind the customer to a user first (bind_customer)';
  end if;

  insert into public.purchases as t (
    id, user_id, stripe_customer_id, price_id, product_id, status, amount, amount_tax, amount_refunded, currency,
    payment_intent_id, charge_id, receipt_url, created_at, synced_at, updated_at
  )
  select x ->> 'id', v_user, p_customer_id, x ->> 'priceId', x ->> 'productId', x ->> 'status',
         (x ->> 'amount')::bigint, coalesce((x ->> 'amountTax')::bigint, 0),
         coalesce((x ->> 'amountRefunded')::bigint, 0), lower(x ->> 'currency'),
         x ->> 'paymentIntentId', x ->> 'chargeId', x ->> 'receiptUrl',
         (x ->> 'createdAt')::timestamptz, p_snapshot_at, now()
  from jsonb_array_elements(p_purchases) x
  on conflict (id) do update
    set status = excluded.status, amount = excluded.amount, amount_tax = excluded.amount_tax,
        amount_refunded = excluded.amount_refunded, price_id = excluded.price_id, product_id = excluded.product_id,
        currency = excluded.currency, payment_intent_id = excluded.payment_intent_id,
        charge_id = excluded.charge_id, receipt_url = excluded.receipt_url,
        synced_at = excluded.synced_at, updated_at = now()
    where t.synced_at <= excluded.synced_at and t.user_id = excluded.user_id;

  return billing.recompute_entitlement(v_user);
end
$$;
revoke all on function public.sync_purchases(text, jsonb, timestamptz) from public, anon, authenticated;
grant execute on function public.sync_purchases(text, jsonb, timestamptz) to service_role;

-- checkout_context (20261202074200) sells one-time catalog prices too, and says what the user owns:
-- `price.type`, the price's currencies (`currencies`: its own first, then its currency_options),
-- and `ownedPurchaseId` (a paid purchase: a lifetime owner buys nothing more).
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
                                'type', pr.type,
                                'currencies', to_jsonb(array[pr.currency] || coalesce(
                                  (select array_agg(k order by k) from jsonb_object_keys(pr.currency_options) k),
                                  '{}')),
                                'trialPeriodDays', case when trial.eligible then pr.trial_period_days end,
                                'catalogTrialDays', pr.trial_period_days)
      from public.prices pr join public.products pd on pd.id = pr.product_id
      where pr.id = p_price_id and pr.active and pd.active and pr.type in ('recurring', 'one_time')
        and pd.entitlement is not null
        and pr.metadata ->> 'gatehouse_catalog' = 'true'
    ),
    'userExists', billing.user_exists(p_user_id),
    'customerId', ctx.customer_id,
    'openSessionId', ctx.open_session_id,
    'trialEligible', trial.eligible,
    'hasAccess', coalesce((select e.active from public.entitlements e where e.user_id = p_user_id), false),
    'openSubscriptionStatus', (
      select s.status from public.subscriptions s
      where s.user_id = p_user_id and s.status in ('active', 'trialing', 'past_due', 'unpaid', 'paused')
      order by billing.status_rank(s.status) desc
      limit 1
    ),
    'ownedPurchaseId', (
      select p.id from public.purchases p where p.user_id = p_user_id and p.status = 'paid'
      order by p.created_at limit 1
    )
  )
  from ctx, trial
$$;
revoke all on function public.checkout_context(uuid, text) from public, anon, authenticated;
grant execute on function public.checkout_context(uuid, text) to service_role;
