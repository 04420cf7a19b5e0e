-- One open Checkout Session per user, even when Stripe calls fail (issue 12, chaos checkout-abuse).
-- The compare-and-set of claim_checkout_session recorded a session only after it was opened at
-- Stripe, so two concurrent checkouts for two plans each opened one, and the one that lost relied on
-- a later expire: an expire that failed (429, lock_timeout) or a loser whose winner had been replaced
-- meanwhile (it then kept its own session, open and recorded nowhere) left two payable sessions.
-- Now opening a session is serialized per user by a lease taken in the database: the holder closes
-- every other open session of the customer before it opens one, so a failed expire fails the request
-- with one session still open, never two. The lease ends when released, or after its time (a holder
-- that died); a holder renews it right before it opens a session, and records its session only if
-- it still holds it.

alter table public.customers
  add column checkout_lease_token text,
  add column checkout_lease_until timestamptz;

-- Takes (or, with the same token, renews) the user's checkout lease for p_seconds. Returns
-- {taken, openSessionId}: whether p_token holds the lease now, and the session last recorded as the
-- user's open one (read in the same statement, so a holder sees every earlier holder's record).
create function public.take_checkout_lease(p_user_id uuid, p_token text, p_seconds integer)
returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_open text;
begin
  update public.customers
     set checkout_lease_token = p_token,
         checkout_lease_until = now() + make_interval(secs => greatest(1, least(p_seconds, 300)))
   where user_id = p_user_id
     and (checkout_lease_token is null or checkout_lease_token = p_token or checkout_lease_until < now())
  returning open_checkout_session_id into v_open;
  if found then
    return jsonb_build_object('taken', true, 'openSessionId', v_open);
  end if;
  select open_checkout_session_id into v_open from public.customers where user_id = p_user_id;
  return jsonb_build_object('taken', false, 'openSessionId', v_open);
end
$$;
revoke all on function public.take_checkout_lease(uuid, text, integer) from public, anon, authenticated;
grant execute on function public.take_checkout_lease(uuid, text, integer) to service_role;

-- Ends p_token's lease and, when p_session_id is given (not null), records it as the user's open session.
-- Returns false, recording nothing, when p_token no longer holds the lease (it ran out and another
-- request took it) and p_session_id is not the recorded session. A call tried again after its answer
-- was lost finds its session recorded: true.
create function public.release_checkout_lease(p_user_id uuid, p_token text, p_session_id text default null)
returns boolean
language plpgsql set search_path = '' as $$
begin
  update public.customers
     set open_checkout_session_id = coalesce(p_session_id, open_checkout_session_id),
         checkout_lease_token = null,
         checkout_lease_until = null
   where user_id = p_user_id and checkout_lease_token = p_token;
  if found then
    return true;
  end if;
  return p_session_id is not null and exists (
    select 1 from public.customers where user_id = p_user_id and open_checkout_session_id = p_session_id
  );
end
$$;
revoke all on function public.release_checkout_lease(uuid, text, text) from public, anon, authenticated;
grant execute on function public.release_checkout_lease(uuid, text, text) to service_role;

-- Replaced by the lease: a session is recorded only by the request that holds it.
drop function public.claim_checkout_session(uuid, text, text);
