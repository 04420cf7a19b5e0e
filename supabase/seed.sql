-- Demo content for the sandbox and `supabase db reset`. Products and prices come from Stripe
-- (`stripe:setup` or the webhook), never from here.
insert into public.premium_content (slug, title, summary, body, entitlement, position) values
  ('welcome', 'Welcome to Gatehouse Pro', 'What you unlocked and how to get the most from it.',
   'You are in. Everything on this page is served by Postgres only because your entitlement is active: row level security checks it on every read.', 'pro', 1),
  ('webhooks-at-least-once', 'Webhooks arrive at least once', 'Why the handler re-reads Stripe instead of trusting the event.',
   'Stripe retries deliveries and does not promise order. Gatehouse records each event id, then re-reads every subscription of the customer from Stripe and writes the result in one transaction, so duplicates and late arrivals change nothing.', 'pro', 2),
  ('instant-unlock', 'Unlock in the same tab', 'Realtime, a success-page sync, and a polling fallback.',
   'The success page asks the API to sync now, listens for its own entitlement row over Supabase Realtime, and polls as a fallback. Whichever answers first unlocks the page.', 'pro', 3)
on conflict (slug) do nothing;
