-- The operator's console (issue 18): what the admin routes read, in one call each, and the doctor's
-- runs. Every function here is for the service role only (the API checks the admin first).

-- One doctor run at a time: the partial unique index makes a second start fail (23505) while one
-- is running; the API answers 409 with the running one's id.
create table public.doctor_runs (
  id uuid primary key default gen_random_uuid(),
  actor text not null,
  repair boolean not null default false,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  total integer not null default 0,
  checked integer not null default 0,
  -- [{userId, customerId, fields: [{field, database, stripe}]}]
  drifted jsonb not null default '[]'::jsonb,
  repaired integer not null default 0,
  error text
);
create unique index doctor_runs_one_running_idx on public.doctor_runs ((true)) where status = 'running';
alter table public.doctor_runs enable row level security;

-- The overview: MRR by currency normalised to a month (active and past_due subscriptions, price
-- amount x quantity; trials excluded), counts by status, new and churned subscriptions in the
-- last 30 days, trial conversion (trials that ended in the last 30 days and whose subscription is
-- now paying), and the ledger: events waiting (unprocessed, no error) and failed (unprocessed with
-- an error). The dead-letter queue cannot be read from a Worker: deadLetter counts the failed
-- events whose last attempt is older than the consumer's retry window (10 tries, backoff up to
-- 300 s: about 30 minutes), the ones a message in gatehouse-sync-dlq stands for.
create function public.admin_overview() returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object(
    'mrr', coalesce((
      select jsonb_agg(jsonb_build_object('currency', currency, 'amount', amount) order by currency)
      from (
        select pr.currency,
               round(sum(
                 pr.unit_amount * coalesce(s.quantity, 1)
                 * case pr.interval when 'month' then 1.0 when 'year' then 1.0 / 12 when 'week' then 52.0 / 12
                                    when 'day' then 365.0 / 12 end
                 / greatest(coalesce(pr.interval_count, 1), 1)
               ))::bigint as amount
        from public.subscriptions s join public.prices pr on pr.id = s.price_id
        where s.status in ('active', 'past_due') and pr.unit_amount is not null and pr.interval is not null
        group by pr.currency
      ) m
    ), '[]'::jsonb),
    'byStatus', coalesce((select jsonb_object_agg(status, n) from (
      select status, count(*) as n from public.subscriptions group by status) c), '{}'::jsonb),
    'new30d', (select count(*) from public.subscriptions where created >= now() - interval '30 days'),
    'churned30d', (select count(*) from public.subscriptions
                   where status = 'canceled' and coalesce(ended_at, canceled_at, updated_at) >= now() - interval '30 days'),
    'trials30d', (select count(*) from public.trials where trial_end between now() - interval '30 days' and now()),
    'trialsConverted30d', (
      select count(*) from public.trials t join public.subscriptions s on s.id = t.subscription_id
      where t.trial_end between now() - interval '30 days' and now() and s.status in ('active', 'past_due')
    ),
    'ledger', jsonb_build_object(
      'waiting', (select count(*) from public.stripe_events where processed_at is null and last_error is null),
      'failed', (select count(*) from public.stripe_events where processed_at is null and last_error is not null),
      'deadLetter', (select count(*) from public.stripe_events
                     where processed_at is null and last_error is not null
                       and last_attempt_at < now() - interval '30 minutes')
    ),
    'customers', (select count(*) from public.customers),
    'at', now()
  )
$$;

-- One page of users, newest first (keyset: created_at, id strictly before the cursor), searched by
-- email (substring), Stripe customer id or user id, filtered by the entitlement's status
-- ('none': no subscription) and plan (price id).
create function public.admin_customers(
  p_q text default null, p_status text default null, p_price_id text default null,
  p_before_at timestamptz default null, p_before_id uuid default null, p_limit integer default 25
) returns jsonb
language sql stable security definer set search_path = '' as $$
  select coalesce(jsonb_agg(row_to_json(r)::jsonb order by r."createdAt" desc, r."userId" desc), '[]'::jsonb)
  from (
    select u.id as "userId", u.email, u.created_at as "createdAt", c.stripe_customer_id as "customerId",
           e.active, e.status, e.price_id as "priceId", e.features, e.current_period_end as "currentPeriodEnd",
           coalesce(u.raw_app_meta_data ->> 'role' = 'admin', false) as "isAdmin"
    from auth.users u
    left join public.customers c on c.user_id = u.id
    left join public.entitlements e on e.user_id = u.id
    where u.deleted_at is null
      and (nullif(trim(p_q), '') is null
           or u.email ilike '%' || replace(replace(replace(trim(p_q), '\', '\\'), '%', '\%'), '_', '\_') || '%'
           or c.stripe_customer_id = trim(p_q)
           or u.id::text = lower(trim(p_q)))
      and (p_status is null or (p_status = 'none' and e.status is null) or e.status = p_status)
      and (p_price_id is null or e.price_id = p_price_id)
      and (p_before_at is null or (u.created_at, u.id) < (p_before_at, p_before_id))
    order by u.created_at desc, u.id desc
    limit least(greatest(coalesce(p_limit, 25), 1), 101)
  ) r
$$;

-- Everything the customer page shows, or null for an unknown user: the user, their Stripe customer,
-- entitlement, subscriptions, purchases (when the purchases table exists), the access history and
-- the ledger events of their customer (latest 100 each).
create function public.admin_customer(p_user_id uuid) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_customer text;
  v_purchases jsonb := '[]'::jsonb;
  v_result jsonb;
begin
  if not exists (select 1 from auth.users where id = p_user_id and deleted_at is null) then
    return null;
  end if;
  select stripe_customer_id into v_customer from public.customers where user_id = p_user_id;
  if to_regclass('public.purchases') is not null then
    execute 'select coalesce(jsonb_agg(to_jsonb(p) order by p.created_at desc), ''[]''::jsonb)
             from public.purchases p where p.user_id = $1'
      into v_purchases using p_user_id;
  end if;
  select jsonb_build_object(
    'user', (select jsonb_build_object('id', u.id, 'email', u.email, 'createdAt', u.created_at,
                                       'isAdmin', coalesce(u.raw_app_meta_data ->> 'role' = 'admin', false))
             from auth.users u where u.id = p_user_id),
    'customerId', v_customer,
    'entitlement', (select to_jsonb(e) from public.entitlements e where e.user_id = p_user_id),
    'subscriptions', coalesce((select jsonb_agg(to_jsonb(s) order by s.created desc)
                               from public.subscriptions s where s.user_id = p_user_id), '[]'::jsonb),
    'purchases', v_purchases,
    'history', coalesce((select jsonb_agg(jsonb_build_object('id', h.id, 'at', h.at, 'cause', h.cause,
                                                             'eventId', h.event_id, 'actor', h.actor,
                                                             'before', h.before, 'after', h.after)
                                          order by h.at desc, h.id desc)
                         from (select * from public.entitlement_changes where user_id = p_user_id
                               order by at desc, id desc limit 100) h), '[]'::jsonb),
    'events', coalesce((select jsonb_agg(jsonb_build_object('id', ev.id, 'type', ev.type, 'created', ev.created,
                                                            'receivedAt', ev.received_at, 'processedAt', ev.processed_at,
                                                            'attempts', ev.attempts, 'lastError', ev.last_error)
                                         order by ev.received_at desc)
                        from (select * from public.stripe_events where v_customer is not null and customer_id = v_customer
                              order by received_at desc limit 100) ev), '[]'::jsonb)
  ) into v_result;
  return v_result;
end
$$;

-- The doctor's comparison for one customer: what a sync of Stripe's current state would write,
-- against what the database holds, field by field. The sync runs in a subtransaction that is
-- rolled back (plpgsql variables survive it), so nothing is written, not even history.
create function public.doctor_compare(p_customer_id text, p_subscriptions jsonb) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_user uuid;
  v_db_ent jsonb;
  v_db_subs jsonb;
  v_st_ent jsonb;
  v_st_subs jsonb;
  v_fields jsonb;
begin
  select user_id into v_user from public.customers where stripe_customer_id = p_customer_id;
  if v_user is null then
    return null;
  end if;
  select billing.access_state(to_jsonb(e)) into v_db_ent from public.entitlements e where e.user_id = v_user;
  select coalesce(jsonb_object_agg(s.id, jsonb_build_object('status', s.status, 'price_id', s.price_id,
           'current_period_end', s.current_period_end, 'cancel_at_period_end', s.cancel_at_period_end,
           'cancel_at', s.cancel_at, 'quantity', s.quantity)), '{}'::jsonb)
    into v_db_subs from public.subscriptions s where s.stripe_customer_id = p_customer_id;
  begin
    perform public.sync_customer(p_customer_id, p_subscriptions, now(), null);
    select billing.access_state(to_jsonb(e)) into v_st_ent from public.entitlements e where e.user_id = v_user;
    select coalesce(jsonb_object_agg(s.id, jsonb_build_object('status', s.status, 'price_id', s.price_id,
             'current_period_end', s.current_period_end, 'cancel_at_period_end', s.cancel_at_period_end,
             'cancel_at', s.cancel_at, 'quantity', s.quantity)), '{}'::jsonb)
      into v_st_subs from public.subscriptions s where s.stripe_customer_id = p_customer_id;
    raise exception using errcode = 'GHDOC', message = 'doctor rollback';
  exception when sqlstate 'GHDOC' then
    null;
  end;
  select coalesce(jsonb_agg(jsonb_build_object('field', f.field, 'database', f.db, 'stripe', f.st) order by f.field), '[]'::jsonb)
    into v_fields
  from (
    select 'entitlement.' || k as field, coalesce(v_db_ent, '{}'::jsonb) -> k as db, coalesce(v_st_ent, '{}'::jsonb) -> k as st
    from (select jsonb_object_keys(coalesce(v_db_ent, '{}'::jsonb) || coalesce(v_st_ent, '{}'::jsonb)) as k) keys
    where (coalesce(v_db_ent, '{}'::jsonb) -> k) is distinct from (coalesce(v_st_ent, '{}'::jsonb) -> k)
    union all
    select 'subscription.' || sid || '.' || k, v_db_subs -> sid -> k, v_st_subs -> sid -> k
    from (select jsonb_object_keys(v_db_subs || v_st_subs) as sid) ids
    cross join lateral (select jsonb_object_keys(coalesce(v_db_subs -> sid, '{}'::jsonb) || coalesce(v_st_subs -> sid, '{}'::jsonb)) as k) keys
    where (v_db_subs -> sid -> k) is distinct from (v_st_subs -> sid -> k)
  ) f;
  return jsonb_build_object('userId', v_user, 'customerId', p_customer_id, 'fields', v_fields);
end
$$;

revoke all on function public.admin_overview() from public, anon, authenticated;
revoke all on function public.admin_customers(text, text, text, timestamptz, uuid, integer) from public, anon, authenticated;
revoke all on function public.admin_customer(uuid) from public, anon, authenticated;
revoke all on function public.doctor_compare(text, jsonb) from public, anon, authenticated;
grant execute on function public.admin_overview() to service_role;
grant execute on function public.admin_customers(text, text, text, timestamptz, uuid, integer) to service_role;
grant execute on function public.admin_customer(uuid) to service_role;
grant execute on function public.doctor_compare(text, jsonb) to service_role;
