-- Lifecycle emails (issue 19). The transaction that changes a user's access also writes the emails
-- that change causes into public.email_outbox (a trigger on public.entitlement_changes, the access
-- history, so each email follows a recorded change; the ledger for trial_will_end), each with a dedupe key, so duplicates, replays, out-of-order events and
-- re-syncs never write the same email twice. The worker sends them (claim_emails / finish_email),
-- re-checking each against the current state first: a transition undone before sending is skipped.

create table public.email_outbox (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null check (kind in (
    'trial_ending', 'payment_failed', 'payment_recovered', 'cancellation_scheduled', 'access_ended',
    'plan_changed', 'purchase_receipt'
  )),
  dedupe_key text not null unique,
  locale text not null default 'en' check (locale in ('en', 'fr')),
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  attempts integer not null default 0,
  last_error text,
  -- pending → sent | skipped (no longer true, opted out, no address) | failed (refused, or too many attempts)
  status text not null default 'pending' check (status in ('pending', 'sent', 'skipped', 'failed')),
  -- When the worker may (re)try: a short delay at first (a transition undone within it is never
  -- sent), then the worker's backoff; also the lease while a worker sends it.
  next_attempt_at timestamptz not null default now(),
  -- Resend's id for the message.
  provider_id text
);
create index email_outbox_due_idx on public.email_outbox (next_attempt_at) where status = 'pending';
create index email_outbox_user_idx on public.email_outbox (user_id);
-- No policies, no grants: only the service role reads or writes the outbox.
alter table public.email_outbox enable row level security;
revoke all on public.email_outbox from anon, authenticated;

-- What a user wants: the non-essential emails (everything but receipts and payment failures) can be
-- turned off; the language emails are written in.
create table public.email_preferences (
  user_id uuid primary key references auth.users (id) on delete cascade,
  lifecycle_emails boolean not null default true,
  locale text check (locale in ('en', 'fr')),
  updated_at timestamptz not null default now()
);
alter table public.email_preferences enable row level security;
revoke all on public.email_preferences from anon, authenticated;
grant select on public.email_preferences to authenticated;

create policy "Users can read their own email preferences"
  on public.email_preferences for select to authenticated
  using ((select auth.uid()) = user_id);
-- No write policy (no table is written by anon or authenticated directly): the account page goes
-- through the API (PUT /api/me/email-preferences), which calls this for the signed-in user.
create function public.set_email_preferences(
  p_user_id uuid, p_lifecycle_emails boolean default null, p_locale text default null
) returns public.email_preferences
language plpgsql set search_path = '' as $$
declare
  v_user uuid := p_user_id;
  v_row public.email_preferences;
begin
  if p_locale is not null and p_locale not in ('en', 'fr') then
    raise exception using errcode = '22023', message = 'p_locale must be en or fr';
  end if;
  insert into public.email_preferences as p (user_id, lifecycle_emails, locale, updated_at)
  values (v_user, coalesce(p_lifecycle_emails, true), p_locale, now())
  on conflict (user_id) do update
    set lifecycle_emails = coalesce(p_lifecycle_emails, p.lifecycle_emails),
        locale = coalesce(p_locale, p.locale), updated_at = now()
  returning * into v_row;
  return v_row;
end
$$;
revoke all on function public.set_email_preferences(uuid, boolean, text) from public, anon, authenticated;
grant execute on function public.set_email_preferences(uuid, boolean, text) to service_role;

-- How long a new email waits before the worker may send it: a transition undone within it (a failed
-- payment fixed a moment later) is never sent.
alter table public.billing_settings add column email_delay interval not null default interval '1 minute';

-- Receipts and payment failures are always sent; the rest can be turned off.
create function billing.email_is_essential(p_kind text) returns boolean
language sql immutable set search_path = '' as $$
  select p_kind in ('purchase_receipt', 'payment_failed')
$$;

-- The language of a user's emails: their preference, else the one they signed up with, else English.
-- auth.users is not the API roles' to read: definer functions answer the two questions.
create function billing.email_locale(p_user_id uuid) returns text
language sql stable security definer set search_path = '' as $$
  select coalesce(
    (select p.locale from public.email_preferences p where p.user_id = p_user_id),
    (select case when u.raw_user_meta_data ->> 'locale' in ('en', 'fr') then u.raw_user_meta_data ->> 'locale' end
     from auth.users u where u.id = p_user_id),
    'en'
  )
$$;

create function billing.user_email(p_user_id uuid) returns text
language sql stable security definer set search_path = '' as $$
  select u.email from auth.users u where u.id = p_user_id
$$;

-- Writes one email unless its dedupe key was ever written. For other writers too (purchases).
create function billing.enqueue_email(p_user_id uuid, p_kind text, p_dedupe_key text, p_payload jsonb)
returns void
language sql set search_path = '' as $$
  insert into public.email_outbox (user_id, kind, dedupe_key, locale, payload, next_attempt_at)
  values (p_user_id, p_kind, p_dedupe_key, billing.email_locale(p_user_id), p_payload,
          now() + coalesce((select s.email_delay from public.billing_settings s), interval '0'))
  on conflict (dedupe_key) do nothing
$$;

-- What an email about an entitlement shows: plan name, price (minor units), dates.
create function billing.email_payload(e public.entitlements) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'subscriptionId', e.subscription_id,
    'priceId', e.price_id,
    'entitlement', e.entitlement,
    'status', e.status,
    'currentPeriodEnd', e.current_period_end,
    'cancelAt', e.cancel_at,
    'accessEndsAt', e.access_ends_at,
    'trialEnd', e.trial_end,
    'planName', pd.name,
    'amount', pr.unit_amount,
    'currency', pr.currency,
    'interval', pr.interval
  )
  from (select 1) one
  left join public.prices pr on pr.id = e.price_id
  left join public.products pd on pd.id = pr.product_id
$$;

create function billing.epoch_key(v timestamptz) returns text
language sql immutable set search_path = '' as $$
  select coalesce(floor(extract(epoch from v))::bigint::text, 'none')
$$;

-- The emails one change of access (a row of the access history) causes. Runs in the transaction of
-- the change.
create function billing.enqueue_access_emails() returns trigger
language plpgsql set search_path = '' as $$
declare
  o public.entitlements;
  n public.entitlements := jsonb_populate_record(null::public.entitlements,
                             new.after || jsonb_build_object('user_id', new.user_id));
  v_payload jsonb := billing.email_payload(n) || jsonb_build_object('changeId', new.id, 'cause', new.cause);
begin
  if new.before is not null then
    o := jsonb_populate_record(null::public.entitlements, new.before || jsonb_build_object('user_id', new.user_id));
  end if;
  -- A renewal failed: once per subscription and period.
  if n.status in ('past_due', 'unpaid') and coalesce(o.status, '') not in ('past_due', 'unpaid')
     and n.subscription_id is not null then
    perform billing.enqueue_email(n.user_id, 'payment_failed',
      format('payment_failed:%s:%s', n.subscription_id, billing.epoch_key(n.current_period_end)), v_payload);
  end if;
  -- Paid again after a failure, same subscription.
  if o.status in ('past_due', 'unpaid') and n.status = 'active' and n.subscription_id = o.subscription_id then
    perform billing.enqueue_email(n.user_id, 'payment_recovered',
      format('payment_recovered:%s:%s', n.subscription_id, billing.epoch_key(o.current_period_end)),
      v_payload || jsonb_build_object('failedPeriodEnd', o.current_period_end));
  end if;
  -- A cancellation was scheduled (or moved) while access goes on.
  if n.active and n.cancel_at is not null and n.cancel_at is distinct from o.cancel_at
     and n.subscription_id is not null then
    perform billing.enqueue_email(n.user_id, 'cancellation_scheduled',
      format('cancellation_scheduled:%s:%s', n.subscription_id, billing.epoch_key(n.cancel_at)), v_payload);
  end if;
  -- Access ended for good (canceled, expired, no subscription left), after a paid or past-due
  -- subscription; a failed payment alone is payment_failed's to tell.
  if (coalesce(o.active, false) or o.status in ('past_due', 'unpaid')) and o.subscription_id is not null
     and not n.active and coalesce(n.status, 'none') not in ('past_due', 'unpaid') then
    perform billing.enqueue_email(n.user_id, 'access_ended', format('access_ended:%s', o.subscription_id),
      billing.email_payload(o) || jsonb_build_object('endedAt', now()));
  end if;
  -- Another plan on the same subscription, access going on.
  if coalesce(o.active, false) and n.active and n.subscription_id = o.subscription_id
     and n.price_id is distinct from o.price_id and n.price_id is not null then
    perform billing.enqueue_email(n.user_id, 'plan_changed',
      format('plan_changed:%s:%s:%s:%s', n.subscription_id, coalesce(o.price_id, 'none'), n.price_id,
             billing.epoch_key(n.current_period_end)),
      v_payload || (select jsonb_build_object('previousPlanName', pd.name, 'previousAmount', pr.unit_amount,
                                              'previousCurrency', pr.currency, 'previousInterval', pr.interval)
                    from (select 1) one
                    left join public.prices pr on pr.id = o.price_id
                    left join public.products pd on pd.id = pr.product_id));
  end if;
  return null;
end
$$;

create trigger entitlement_changes_enqueue_emails
  after insert on public.entitlement_changes
  for each row execute function billing.enqueue_access_emails();

-- Stripe's customer.subscription.trial_will_end (three days before the trial ends), recorded in the
-- ledger: one trial_ending email per subscription and trial end, for the customer's trialing access.
create function billing.enqueue_trial_ending() returns trigger
language plpgsql set search_path = '' as $$
declare
  e public.entitlements;
begin
  if new.type <> 'customer.subscription.trial_will_end' or new.customer_id is null then
    return null;
  end if;
  select en.* into e
  from public.customers c join public.entitlements en on en.user_id = c.user_id
  where c.stripe_customer_id = new.customer_id and en.status = 'trialing' and en.trial_end is not null;
  if found then
    perform billing.enqueue_email(e.user_id, 'trial_ending',
      format('trial_ending:%s:%s', e.subscription_id, billing.epoch_key(e.trial_end)), billing.email_payload(e));
  end if;
  return null;
end
$$;

create trigger stripe_events_enqueue_trial_ending
  after insert on public.stripe_events
  for each row execute function billing.enqueue_trial_ending();

-- Why an email should no longer be sent (null: still due), from the current state.
create function billing.email_obsolete(m public.email_outbox) returns text
language sql stable set search_path = '' as $$
  select case m.kind
    when 'payment_failed' then
      case when e.status in ('past_due', 'unpaid') and e.subscription_id = m.payload ->> 'subscriptionId' then null
           else 'the payment was fixed before sending' end
    when 'payment_recovered' then
      case when not exists (
             select 1 from public.email_outbox f
             where f.kind = 'payment_failed' and f.user_id = m.user_id and f.status = 'sent'
               and f.dedupe_key = 'payment_failed:' || (m.payload ->> 'subscriptionId') || ':'
                                  || billing.epoch_key((m.payload ->> 'failedPeriodEnd')::timestamptz))
           then 'no payment failure was sent for it'
           when e.status = 'active' then null
           else 'the subscription is no longer active' end
    when 'cancellation_scheduled' then
      case when e.active and e.cancel_at = (m.payload ->> 'cancelAt')::timestamptz then null
           else 'the cancellation was undone before sending' end
    when 'access_ended' then
      case when coalesce(e.active, false) then 'access came back before sending' else null end
    when 'plan_changed' then
      case when e.active and e.price_id = m.payload ->> 'priceId' then null
           else 'the plan changed again before sending' end
    when 'trial_ending' then
      case when e.status = 'trialing' and e.trial_end = (m.payload ->> 'trialEnd')::timestamptz then null
           else 'the trial is over or changed' end
    else null
  end
  from (select 1) one
  left join public.entitlements e on e.user_id = m.user_id
$$;

-- The worker takes up to p_limit due emails, each leased for p_lease (not taken again meanwhile):
-- every one no longer true or opted out is marked skipped instead; the rest come back with the
-- address to send to and the language.
create function public.claim_emails(p_limit integer default 20, p_lease interval default interval '2 minutes')
returns table (
  id bigint, user_id uuid, kind text, dedupe_key text, locale text, payload jsonb, attempts integer, email text
)
language plpgsql set search_path = '' as $$
declare
  m public.email_outbox;
  v_reason text;
  v_email text;
begin
  for m in
    select * from public.email_outbox o
    where o.status = 'pending' and o.next_attempt_at <= now()
    order by o.next_attempt_at, o.id
    limit greatest(p_limit, 0)
    for update skip locked
  loop
    v_reason := billing.email_obsolete(m);
    v_email := billing.user_email(m.user_id);
    if v_reason is null and v_email is null then
      v_reason := 'the user has no email address';
    end if;
    if v_reason is null and not billing.email_is_essential(m.kind) and exists (
      select 1 from public.email_preferences p where p.user_id = m.user_id and not p.lifecycle_emails
    ) then
      v_reason := 'the user turned these emails off';
    end if;
    if v_reason is not null then
      update public.email_outbox o set status = 'skipped', last_error = v_reason where o.id = m.id;
      continue;
    end if;
    update public.email_outbox o
      set attempts = o.attempts + 1, next_attempt_at = now() + p_lease
      where o.id = m.id;
    id := m.id; user_id := m.user_id; kind := m.kind; dedupe_key := m.dedupe_key;
    locale := billing.email_locale(m.user_id); payload := m.payload; attempts := m.attempts + 1; email := v_email;
    return next;
  end loop;
end
$$;

-- The worker's outcome for one claimed email: 'sent' (with Resend's id), 'retry' (after
-- p_retry_after_seconds; failed for good after p_max_attempts) or 'failed' (refused: never retried).
create function public.finish_email(
  p_id bigint, p_outcome text, p_error text default null, p_provider_id text default null,
  p_retry_after_seconds integer default 60, p_max_attempts integer default 10
) returns public.email_outbox
language plpgsql set search_path = '' as $$
declare
  v_row public.email_outbox;
begin
  if p_outcome not in ('sent', 'retry', 'failed') then
    raise exception using errcode = '22023', message = 'p_outcome must be sent, retry or failed';
  end if;
  update public.email_outbox o set
    status = case
      when p_outcome = 'sent' then 'sent'
      when p_outcome = 'failed' or o.attempts >= p_max_attempts then 'failed'
      else 'pending' end,
    sent_at = case when p_outcome = 'sent' then now() else o.sent_at end,
    provider_id = coalesce(p_provider_id, o.provider_id),
    last_error = case when p_outcome = 'sent' then o.last_error else left(p_error, 1000) end,
    next_attempt_at = case when p_outcome = 'retry' then now() + make_interval(secs => greatest(p_retry_after_seconds, 0))
                           else o.next_attempt_at end
  where o.id = p_id and o.status = 'pending'
  returning * into v_row;
  return v_row;
end
$$;

revoke all on function billing.email_is_essential(text) from public;
revoke all on function billing.email_locale(uuid) from public;
revoke all on function billing.enqueue_email(uuid, text, text, jsonb) from public;
revoke all on function billing.email_payload(public.entitlements) from public;
revoke all on function billing.epoch_key(timestamptz) from public;
revoke all on function billing.enqueue_access_emails() from public;
revoke all on function billing.enqueue_trial_ending() from public;
revoke all on function billing.email_obsolete(public.email_outbox) from public;
revoke all on function billing.user_email(uuid) from public;
grant execute on function billing.email_is_essential(text), billing.email_locale(uuid), billing.user_email(uuid),
  billing.enqueue_email(uuid, text, text, jsonb), billing.email_payload(public.entitlements),
  billing.epoch_key(timestamptz), billing.enqueue_access_emails(), billing.enqueue_trial_ending(),
  billing.email_obsolete(public.email_outbox) to service_role;
revoke all on function public.claim_emails(integer, interval) from public, anon, authenticated;
revoke all on function public.finish_email(bigint, text, text, text, integer, integer) from public, anon, authenticated;
grant execute on function public.claim_emails(integer, interval) to service_role;
grant execute on function public.finish_email(bigint, text, text, text, integer, integer) to service_role;
