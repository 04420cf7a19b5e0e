-- One row per user: may they see the product? Pushed to the browser by Supabase Realtime.

create table public.entitlements (
  user_id uuid primary key references auth.users (id) on delete cascade,
  active boolean not null default false,
  entitlement text,
  status text,
  subscription_id text,
  price_id text,
  current_period_end timestamptz,
  -- Set while a cancellation is pending, whether Stripe said cancel_at or cancel_at_period_end.
  cancel_at timestamptz,
  updated_at timestamptz not null default now()
);
alter table public.entitlements enable row level security;

create policy "Users can read their own entitlement"
  on public.entitlements for select
  to authenticated
  using ((select auth.uid()) = user_id);

-- Realtime sends old and new rows and checks RLS on them: it needs the full row in the WAL.
alter table public.entitlements replica identity full;
alter publication supabase_realtime add table public.entitlements;
