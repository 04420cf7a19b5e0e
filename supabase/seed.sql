-- Demo content for the sandbox and `supabase db reset`. Products, prices and features come from
-- Stripe (`stripe:setup` or the webhook), never from here. Each row names the feature it needs:
-- Basic gives library.basic; Pro gives library.basic, library.pro and downloads.
insert into public.premium_content (slug, title, summary, body, feature, position) values
  ('welcome', 'Welcome to Gatehouse', 'What you unlocked and how to get the most from it.',
   'You are in. Everything on this page is served by Postgres only because your plan holds the feature this row needs: row level security checks it on every read.', 'library.basic', 1),
  ('webhooks-at-least-once', 'Webhooks arrive at least once', 'Why the handler re-reads Stripe instead of trusting the event.',
   'Stripe retries deliveries and does not promise order. Gatehouse records each event id, then re-reads every subscription of the customer from Stripe and writes the result in one transaction, so duplicates and late arrivals change nothing.', 'library.basic', 2),
  ('instant-unlock', 'Unlock in the same tab', 'Realtime, a success-page sync, and a polling fallback.',
   'The success page asks the API to sync now, listens for its own entitlement row over Supabase Realtime, and polls as a fallback. Whichever answers first unlocks the page.', 'library.basic', 3),
  ('plan-changes', 'Upgrades now, downgrades later', 'How a plan change is priced, charged and scheduled.',
   'An upgrade takes effect at once: Stripe prorates the rest of the period and invoices it immediately, and the new plan applies only if that invoice is paid. A downgrade waits for the end of the period you paid for, through a subscription schedule you can cancel.', 'library.pro', 4),
  ('features-not-plans', 'Check features, not plans', 'Why access asks for a feature rather than a plan name.',
   'Plans change names, prices and bundles; features stay. Row level security asks public.has_feature() for the one feature a row needs, so a new tier is a change in Stripe, not in the database.', 'library.pro', 5),
  ('offline-kit', 'The offline kit', 'Every lesson as files you can keep.',
   'The downloads feature opens the files bucket: each object sits under a folder named after the feature it needs, and the storage policy asks the same public.has_feature().', 'downloads', 6)
on conflict (slug) do nothing;
