-- Ledger of every Stripe event received: proves what happened and drives replays.

create table public.stripe_events (
  id text primary key,
  type text not null,
  created timestamptz not null,
  customer_id text,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  attempts integer not null default 1,
  last_error text,
  last_attempt_at timestamptz not null default now()
);
create index stripe_events_unprocessed_idx on public.stripe_events (received_at) where processed_at is null;
-- No policies: only the service role reads or writes the ledger.
alter table public.stripe_events enable row level security;
