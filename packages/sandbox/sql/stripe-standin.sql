-- State of the Stripe stand-in (packages/sandbox/src/stripe). Its own schema, not the app's.
-- Idempotent: applied on every start.
create schema if not exists stripe_sandbox;

-- Every Stripe object the stand-in holds (products, prices, customers, sessions, subscriptions,
-- invoices, events, webhook endpoints, portal sessions) plus its internal per-object state.
create table if not exists stripe_sandbox.objects (
  kind text not null,
  id text not null,
  seq bigint not null,
  -- JSON as text: written in large batches, only ever read whole by the stand-in at start.
  data text not null,
  primary key (kind, id)
);
do $$
begin
  if (select data_type from information_schema.columns
      where table_schema = 'stripe_sandbox' and table_name = 'objects' and column_name = 'data') = 'jsonb' then
    alter table stripe_sandbox.objects alter column data type text using data::text;
  end if;
end $$;
-- Stored uncompressed: compressing every snapshot costs more CPU than the disk it saves here.
alter table stripe_sandbox.objects alter column data set storage external;
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
