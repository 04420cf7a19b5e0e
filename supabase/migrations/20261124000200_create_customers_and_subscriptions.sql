-- Who is which Stripe customer (private), and a mirror of each user's Stripe subscriptions.

create table public.customers (
  user_id uuid primary key references auth.users (id) on delete cascade,
  stripe_customer_id text not null unique,
  created_at timestamptz not null default now(),
  -- When the Stripe snapshot last applied by sync_customer was read; older snapshots are ignored.
  last_synced_at timestamptz,
  -- The user's one authoritative open Checkout Session: the API records the session it opened with
  -- a compare-and-set (claim_checkout_session), so concurrent checkouts never leave two payable.
  open_checkout_session_id text
);
-- No policies: only the service role (which bypasses RLS) reads or writes customers.
alter table public.customers enable row level security;

create table public.subscriptions (
  id text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  stripe_customer_id text not null references public.customers (stripe_customer_id) on delete cascade,
  status text not null check (
    status in ('active', 'trialing', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused')
  ),
  price_id text,
  product_id text,
  entitlement text,
  quantity integer,
  cancel_at_period_end boolean not null default false,
  cancel_at timestamptz,
  canceled_at timestamptz,
  ended_at timestamptz,
  trial_start timestamptz,
  trial_end timestamptz,
  current_period_start timestamptz,
  current_period_end timestamptz,
  created timestamptz not null,
  metadata jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);
create index subscriptions_user_id_idx on public.subscriptions (user_id);
create index subscriptions_customer_idx on public.subscriptions (stripe_customer_id);
alter table public.subscriptions enable row level security;

create policy "Users can read their own subscriptions"
  on public.subscriptions for select
  to authenticated
  using ((select auth.uid()) = user_id);
