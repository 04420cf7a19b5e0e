-- A user whose subscription is past due, unpaid or paused has no access, yet must not open a
-- second subscription: they fix the first one in the billing portal. checkout_context now also
-- says whether the user holds any subscription that is not over.
create or replace function public.checkout_context(p_user_id uuid, p_price_id text) returns jsonb
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
    'hasAccess', coalesce((select e.active from public.entitlements e where e.user_id = p_user_id), false),
    'openSubscriptionStatus', (
      select s.status from public.subscriptions s
      where s.user_id = p_user_id and s.status in ('active', 'trialing', 'past_due', 'unpaid', 'paused')
      order by billing.status_rank(s.status) desc
      limit 1
    )
  )
$$;
revoke all on function public.checkout_context(uuid, text) from public, anon, authenticated;
grant execute on function public.checkout_context(uuid, text) to service_role;
