-- Plan changes in the app (issue 14): what POST /api/billing/change-plan needs in one round trip,
-- the proration date a preview used (so the confirmation charges exactly the previewed amount),
-- and a compare-and-set claim so two concurrent changes for one user never both reach Stripe.

alter table public.customers
  add column plan_change_token text,
  add column plan_change_started_at timestamptz,
  -- {priceId, prorationDate, at}: the last preview, reused by the confirmation for that price.
  add column plan_change_preview jsonb;

-- A price as the plan-change rules see it: amount, interval and the features of its product.
create function billing.plan_price(p_price_id text) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'priceId', pr.id, 'productId', pr.product_id, 'unitAmount', pr.unit_amount, 'currency', pr.currency,
    'interval', pr.interval, 'intervalCount', coalesce(pr.interval_count, 1), 'productName', pd.name,
    'features', coalesce((
      select jsonb_agg(pf.feature order by pf.feature) from public.product_features pf where pf.product_id = pr.product_id
    ), '[]'::jsonb),
    'sellable', pr.active and pd.active and pr.type = 'recurring' and pd.entitlement is not null
                and pr.interval is not null and pr.unit_amount is not null
                and pr.metadata ->> 'gatehouse_catalog' = 'true'
  )
  from public.prices pr join public.products pd on pd.id = pr.product_id
  where pr.id = p_price_id
$$;
revoke all on function billing.plan_price(text) from public;
grant execute on function billing.plan_price(text) to service_role;

-- The user's subscription that a change applies to (the best one that is not over), the current
-- and the target price, and the preview to reuse (same price, within 30 minutes).
create function public.change_plan_context(p_user_id uuid, p_price_id text default null) returns jsonb
language sql stable set search_path = '' as $$
  with sub as (
    select s.* from public.subscriptions s
    where s.user_id = p_user_id and s.status in ('active', 'trialing', 'past_due', 'unpaid', 'paused', 'incomplete')
    order by billing.status_rank(s.status) desc, s.current_period_end desc nulls last, s.created desc
    limit 1
  ), cus as (
    select c.* from public.customers c where c.user_id = p_user_id
  )
  select jsonb_build_object(
    'customerId', (select stripe_customer_id from cus),
    'subscription', (
      select jsonb_build_object('id', sub.id, 'status', sub.status, 'priceId', sub.price_id,
                                'currentPeriodStart', sub.current_period_start,
                                'currentPeriodEnd', sub.current_period_end, 'scheduleId', sub.schedule_id,
                                'scheduledPriceId', sub.scheduled_price_id)
      from sub
    ),
    'current', (select billing.plan_price(sub.price_id) from sub),
    'target', case when p_price_id is null then null else billing.plan_price(p_price_id) end,
    'previewProrationDate', (
      select (cus.plan_change_preview ->> 'prorationDate')::bigint from cus
      where cus.plan_change_preview ->> 'priceId' = p_price_id
        and (cus.plan_change_preview ->> 'at')::timestamptz > now() - interval '30 minutes'
    )
  )
$$;
revoke all on function public.change_plan_context(uuid, text) from public, anon, authenticated;
grant execute on function public.change_plan_context(uuid, text) to service_role;

-- Records the proration date a preview used for this price.
create function public.record_plan_preview(p_user_id uuid, p_price_id text, p_proration_date bigint) returns void
language sql set search_path = '' as $$
  update public.customers
     set plan_change_preview = jsonb_build_object('priceId', p_price_id, 'prorationDate', p_proration_date, 'at', now())
   where user_id = p_user_id
$$;
revoke all on function public.record_plan_preview(uuid, text, bigint) from public, anon, authenticated;
grant execute on function public.record_plan_preview(uuid, text, bigint) to service_role;

-- Compare-and-set: takes the user's plan-change slot with p_token unless another change holds it
-- (a claim older than two minutes is considered abandoned). Returns whether this call got it.
create function public.claim_plan_change(p_user_id uuid, p_token text) returns boolean
language plpgsql set search_path = '' as $$
begin
  update public.customers
     set plan_change_token = p_token, plan_change_started_at = now()
   where user_id = p_user_id
     and (plan_change_token is null or plan_change_started_at < now() - interval '2 minutes');
  return found;
end
$$;
revoke all on function public.claim_plan_change(uuid, text) from public, anon, authenticated;
grant execute on function public.claim_plan_change(uuid, text) to service_role;

-- Frees the slot if p_token still holds it; a used preview is forgotten with it.
create function public.release_plan_change(p_user_id uuid, p_token text, p_clear_preview boolean default false)
returns void
language sql set search_path = '' as $$
  update public.customers
     set plan_change_token = null, plan_change_started_at = null,
         plan_change_preview = case when p_clear_preview then null else plan_change_preview end
   where user_id = p_user_id and plan_change_token = p_token
$$;
revoke all on function public.release_plan_change(uuid, text, boolean) from public, anon, authenticated;
grant execute on function public.release_plan_change(uuid, text, boolean) to service_role;
