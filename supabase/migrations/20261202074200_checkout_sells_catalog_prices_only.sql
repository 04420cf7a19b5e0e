-- Only prices the catalog declares are sold: `stripe:setup` marks each price it creates from
-- apps/api/scripts/catalog.ts with metadata.gatehouse_catalog = "true", upsert_price mirrors the
-- metadata, and checkout_context refuses any other price (one made straight in the Stripe
-- dashboard, say a 1 JPY/year price of an entitled product). Issue 12 item 6.
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
    )
  )
  from ctx, trial
$$;
revoke all on function public.checkout_context(uuid, text) from public, anon, authenticated;
grant execute on function public.checkout_context(uuid, text) to service_role;
