-- Access history (issue 18): one row per change of a user's access, written by a trigger on
-- public.entitlements in the transaction that changes it, so every path that writes the row
-- (sync_customer, recompute_entitlement, a catalog change, SQL by hand) is recorded, whoever
-- redefines those functions. A write that changes nothing writes nothing.
--
-- The cause, the ledger event and the actor come from transaction-local settings that the sync
-- entry points set (public.sync_customer_caused below):
--   gatehouse.cause     webhook:<event type> | checkout_sync | cron | plan_change | admin_resync
--                       | replay | doctor; unset: 'database' (a change no Gatehouse path declared:
--                       SQL by hand, a catalog feature change)
--   gatehouse.event_id  the Stripe event (ledger id) behind the change, if any
--   gatehouse.actor     who asked: the admin's or the user's id; unset for Stripe, the cron

create table public.entitlement_changes (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  at timestamptz not null default now(),
  -- The access columns of public.entitlements before and after (null before: no row yet).
  before jsonb,
  after jsonb not null,
  cause text not null,
  event_id text,
  actor text
);
create index entitlement_changes_user_at_idx on public.entitlement_changes (user_id, at desc, id desc);
create index entitlement_changes_event_idx on public.entitlement_changes (event_id) where event_id is not null;
alter table public.entitlement_changes enable row level security;

-- Is the caller an admin? Both the verified JWT's app_metadata.role and, so that a revoked admin
-- loses access at once and not at their next token refresh, the role in auth.users now.
create function public.is_admin() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(auth.jwt() -> 'app_metadata' ->> 'role' = 'admin', false)
     and exists (
       select 1 from auth.users u
       where u.id = (select auth.uid()) and u.raw_app_meta_data ->> 'role' = 'admin'
     )
$$;
revoke all on function public.is_admin() from public;
grant execute on function public.is_admin() to anon, authenticated, service_role;

-- The role in the database of one user, for the API's re-check on every admin route.
create function public.user_is_admin(p_user_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from auth.users u where u.id = p_user_id and u.raw_app_meta_data ->> 'role' = 'admin')
$$;
revoke all on function public.user_is_admin(uuid) from public, anon, authenticated;
grant execute on function public.user_is_admin(uuid) to service_role;

create policy "Users read their own access history, admins everyone's"
  on public.entitlement_changes for select
  to authenticated
  using ((select auth.uid()) = user_id or (select public.is_admin()));

-- The access columns of an entitlement row: everything but the key and the write time, so a
-- column added later (by another migration) is part of the history without touching this file.
create function billing.access_state(p_row jsonb) returns jsonb
language sql immutable set search_path = '' as $$
  select p_row - 'user_id' - 'updated_at'
$$;

create function billing.record_entitlement_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_before jsonb;
  v_after jsonb := billing.access_state(to_jsonb(new));
  v_cause text := nullif(current_setting('gatehouse.cause', true), '');
begin
  if tg_op = 'UPDATE' then
    v_before := billing.access_state(to_jsonb(old));
    if v_before = v_after then
      return null;
    end if;
  elsif not coalesce(new.active, false) and new.status is null and coalesce(cardinality(new.features), 0) = 0 then
    -- A first row that grants nothing and says nothing (a customer with no subscription yet).
    return null;
  end if;
  insert into public.entitlement_changes (user_id, before, after, cause, event_id, actor)
  values (
    new.user_id, v_before, v_after, coalesce(v_cause, 'database'),
    nullif(current_setting('gatehouse.event_id', true), ''),
    nullif(current_setting('gatehouse.actor', true), '')
  );
  return null;
end
$$;
revoke all on function billing.record_entitlement_change() from public;

create trigger entitlements_record_change
  after insert or update on public.entitlements
  for each row execute function billing.record_entitlement_change();

-- The sync the API calls: sync_customer_events with the cause of the change. A new wrapper (and
-- not a new parameter of sync_customer_events) so that other migrations can keep redefining
-- sync_customer_events and sync_customer with their own signatures. p_cause 'webhook' becomes
-- 'webhook:<type>' of the latest of p_event_ids in the ledger (that event is the event_id);
-- other causes take p_event_id as given (a replay names the replayed event).
create function public.sync_customer_caused(
  p_customer_id text,
  p_subscriptions jsonb,
  p_snapshot_at timestamptz,
  p_event_ids text[] default '{}',
  p_cause text default null,
  p_event_id text default null,
  p_actor text default null
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
  return public.sync_customer_events(p_customer_id, p_subscriptions, p_snapshot_at, p_event_ids);
end
$$;
revoke all on function public.sync_customer_caused(text, jsonb, timestamptz, text[], text, text, text)
  from public, anon, authenticated;
grant execute on function public.sync_customer_caused(text, jsonb, timestamptz, text[], text, text, text)
  to service_role;
