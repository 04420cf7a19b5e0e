-- Lifecycle emails, continued (issue 19).
-- 1. finish_email gains 'release': the email was not taken or refused (Resend's rate limit, or a
--    run stopped before trying it), so the attempt does not count towards giving up.
-- 2. purchase_receipt: a lifetime purchase recorded as paid writes its receipt in the same
--    transaction, once per purchase (dedupe key purchase_receipt:<checkout session>).

create or replace function public.finish_email(
  p_id bigint, p_outcome text, p_error text default null, p_provider_id text default null,
  p_retry_after_seconds integer default 60, p_max_attempts integer default 10
) returns public.email_outbox
language plpgsql set search_path = '' as $$
declare
  v_row public.email_outbox;
begin
  if p_outcome not in ('sent', 'retry', 'release', 'failed') then
    raise exception using errcode = '22023', message = 'p_outcome must be sent, retry, release or failed';
  end if;
  update public.email_outbox o set
    status = case
      when p_outcome = 'sent' then 'sent'
      when p_outcome = 'failed' or (p_outcome = 'retry' and o.attempts >= p_max_attempts) then 'failed'
      else 'pending' end,
    attempts = case when p_outcome = 'release' then greatest(o.attempts - 1, 0) else o.attempts end,
    sent_at = case when p_outcome = 'sent' then now() else o.sent_at end,
    provider_id = coalesce(p_provider_id, o.provider_id),
    last_error = case when p_outcome = 'sent' then o.last_error else left(p_error, 1000) end,
    next_attempt_at = case when p_outcome in ('retry', 'release')
                           then now() + make_interval(secs => greatest(p_retry_after_seconds, 0))
                           else o.next_attempt_at end
  where o.id = p_id and o.status = 'pending'
  returning * into v_row;
  return v_row;
end
$$;
revoke all on function public.finish_email(bigint, text, text, text, integer, integer) from public, anon, authenticated;
grant execute on function public.finish_email(bigint, text, text, text, integer, integer) to service_role;

create function billing.enqueue_purchase_receipt() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status = 'paid' and (tg_op = 'INSERT' or old.status is distinct from 'paid') then
    perform billing.enqueue_email(new.user_id, 'purchase_receipt', format('purchase_receipt:%s', new.id),
      jsonb_build_object(
        'purchaseId', new.id,
        'productName', (select pd.name from public.products pd where pd.id = new.product_id),
        'amount', new.amount,
        'amountTax', new.amount_tax,
        'currency', new.currency,
        'purchasedAt', new.created_at,
        'receiptUrl', new.receipt_url
      ));
  end if;
  return null;
end
$$;
revoke all on function billing.enqueue_purchase_receipt() from public;
grant execute on function billing.enqueue_purchase_receipt() to service_role;

create trigger purchases_enqueue_receipt
  after insert or update of status on public.purchases
  for each row execute function billing.enqueue_purchase_receipt();
