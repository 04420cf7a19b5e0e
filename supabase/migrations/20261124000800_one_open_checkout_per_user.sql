-- One authoritative open Checkout Session per user, so concurrent checkouts for two plans can
-- never leave two payable sessions: the API records the session it opened with a compare-and-set,
-- and the request that loses expires its own session and hands out the winner's.
alter table public.customers add column open_checkout_session_id text;

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
revoke all on function public.claim_checkout_session(uuid, text, text) from public, anon, authenticated;
grant execute on function public.claim_checkout_session(uuid, text, text) to service_role;

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
revoke all on function public.checkout_context(uuid, text) from public, anon, authenticated;
grant execute on function public.checkout_context(uuid, text) to service_role;
