-- Stripe products that grant an entitlement, and their prices. Written by the service role
-- (webhook sync, stripe:setup); readable by anyone while active.

create table public.products (
  id text primary key,
  active boolean not null default true,
  name text not null,
  description text,
  -- metadata.entitlement on the Stripe product; null = the product grants nothing.
  entitlement text,
  metadata jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);
alter table public.products enable row level security;

create policy "Anyone can read active products"
  on public.products for select
  to anon, authenticated
  using (active);

create table public.prices (
  id text primary key,
  product_id text not null references public.products (id) on delete cascade,
  active boolean not null default true,
  currency text not null,
  unit_amount bigint,
  type text not null default 'recurring' check (type in ('recurring', 'one_time')),
  interval text check (interval in ('day', 'week', 'month', 'year')),
  interval_count integer,
  trial_period_days integer,
  lookup_key text,
  metadata jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);
create index prices_product_id_idx on public.prices (product_id);
alter table public.prices enable row level security;

create policy "Anyone can read active prices of active products"
  on public.prices for select
  to anon, authenticated
  using (active and exists (select 1 from public.products p where p.id = product_id and p.active));
