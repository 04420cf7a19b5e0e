-- Concurrent binds of one user to one customer (twenty checkouts at once) could fail with 23505:
-- ON CONFLICT (user_id) arbitrates only the user_id index, and when the unique index on
-- stripe_customer_id meets the other transaction's row first it raises instead of deferring.
-- Now a unique violation is re-read: the user's own binding is returned; a customer bound to
-- another user is still a unique violation.
create or replace function public.bind_customer(p_user_id uuid, p_customer_id text) returns text
language plpgsql set search_path = '' as $$
declare
  v_bound text;
begin
  begin
    insert into public.customers (user_id, stripe_customer_id) values (p_user_id, p_customer_id)
    on conflict (user_id) do nothing;
  exception when unique_violation then
    null; -- decided by the re-read below
  end;
  select stripe_customer_id into v_bound from public.customers where user_id = p_user_id;
  if v_bound is null then
    raise exception using errcode = '23505',
      message = format('Stripe customer %s is bound to another user', p_customer_id);
  end if;
  return v_bound;
end
$$;
