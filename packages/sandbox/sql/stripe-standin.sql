-- State of the Stripe stand-in (packages/sandbox/src/stripe). Its own schema, not the app's.
-- Idempotent: applied on every start.
create schema if not exists stripe_sandbox;

-- Every Stripe object the stand-in holds (products, prices, customers, sessions, subscriptions,
-- invoices, events, webhook endpoints, portal sessions) plus its internal per-object state.
create table if not exists stripe_sandbox.objects (
  kind text not null,
  id text not null,
  seq bigint not null,
  data jsonb not null,
  primary key (kind, id)
);
create index if not exists objects_seq_idx on stripe_sandbox.objects (seq);

-- Idempotency-Key results, kept at least 24 hours like Stripe's.
create table if not exists stripe_sandbox.idempotency_keys (
  key text primary key,
  fingerprint text not null,
  status integer not null,
  body text not null,
  created_at timestamptz not null default now()
);

-- The sandbox clock offset and other settings.
create table if not exists stripe_sandbox.meta (
  key text primary key,
  value jsonb not null
);
