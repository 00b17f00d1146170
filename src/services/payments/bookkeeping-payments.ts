// The one rule for what an import's open amounts mean for payments: a drop first reconciles the payments made here
// that the bookkeeping did not show yet, only the rest becomes a BOOKKEEPING payment; the open amount is the
// bookkeeping's minus what still awaits it, never below zero.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { raise } from '../events/domain-events';
import { executeBulk } from '../ledger/sql';

export interface BookkeepingMoment {
  administrationId: string;
  now: Date;
  /** The business date BOOKKEEPING payments are dated (the import's "today"). */
  today: string;
}

/**
 * A relation with the columns (invoice_id uuid, bookkeeping_open bigint): the open amount the bookkeeping now
 * reports per existing invoice. A table name (usually a temporary staging table) or a parenthesised subquery.
 */
export interface BookkeepingOpenAmounts {
  relation: string;
  params?: unknown[];
}

export interface BookkeepingResult {
  /** BOOKKEEPING payments written for drops the payments made here do not explain. */
  paymentIds: string[];
  /** Payments made here that the bookkeeping now shows in full. */
  reconciledPaymentIds: string[];
  /** Invoices that were OPEN and are now PAID. */
  invoicesClosed: number;
  /** Invoices whose bookkeeping open amount changed. */
  invoicesChanged: number;
}

// Locked first, in id order, so the statement after it sees every committed payment made here (READ COMMITTED
// takes a new snapshot per statement) and concurrent payments wait instead of being overwritten.
const LOCK = (relation: string) => `
select i.id from invoices i join ${relation} b on b.invoice_id = i.id
 where i.administration_id = ?::uuid and i.bookkeeping_open_amount <> b.bookkeeping_open
 order by i.id for update of i`;

// Awaiting allocations are reconciled oldest payment first (ids are time-ordered, see newId): `before` is what
// older ones of the invoice await. An invoice's paid_at is when it became PAID: kept while it stays paid, cleared
// when the bookkeeping reopens it.
const APPLY = (relation: string) => `
with c as (
  select i.id as invoice_id, i.debtor_id, i.currency, i.status as old_status, b.bookkeeping_open as new_bk,
         case when b.bookkeeping_open >= 0 and i.bookkeeping_open_amount > b.bookkeeping_open
              then i.bookkeeping_open_amount - b.bookkeeping_open else 0 end as drop
    from invoices i join ${relation} b on b.invoice_id = i.id
   where i.administration_id = ?::uuid and i.bookkeeping_open_amount <> b.bookkeeping_open
), waiting as (
  select pa.id, pa.payment_id, pa.invoice_id, pa.awaiting_amount,
         coalesce(sum(pa.awaiting_amount) over (partition by pa.invoice_id order by pa.id
                  rows between unbounded preceding and 1 preceding), 0) as before
    from payment_allocations pa
   where pa.awaiting_amount > 0 and pa.invoice_id in (select invoice_id from c)
), taken as (
  select w.id, w.payment_id, w.invoice_id, w.awaiting_amount, least(w.awaiting_amount, greatest(c.drop - w.before, 0)) as taken
    from waiting w join c on c.invoice_id = w.invoice_id
), per_invoice as (
  select c.invoice_id, c.debtor_id, c.currency, c.old_status, c.new_bk, c.drop,
         coalesce(sum(t.taken), 0) as reconciled, coalesce(sum(t.awaiting_amount - t.taken), 0) as still_awaiting
    from c left join taken t on t.invoice_id = c.invoice_id
   group by c.invoice_id, c.debtor_id, c.currency, c.old_status, c.new_bk, c.drop
), next as (
  select p.*, case when p.new_bk <= 0 then p.new_bk else greatest(p.new_bk - p.still_awaiting, 0) end as open
    from per_invoice p
), allocations as (
  update payment_allocations pa set awaiting_amount = pa.awaiting_amount - t.taken
    from taken t where pa.id = t.id and t.taken > 0
  returning pa.payment_id
), invoices_updated as (
  update invoices i set bookkeeping_open_amount = n.new_bk, open_amount = n.open,
         status = (case when n.open = 0 then 'PAID' else 'OPEN' end)::invoice_status, updated_at = ?::timestamptz,
         paid_at = case when n.open <> 0 then null when i.status = 'PAID' and i.paid_at is not null then i.paid_at else ?::timestamptz end
    from next n where i.id = n.invoice_id
  returning i.id
)
select n.invoice_id, n.debtor_id, n.currency, (n.drop - n.reconciled)::text as remainder,
       (n.old_status = 'OPEN' and n.open = 0) as closed,
       (select coalesce(json_agg(distinct a.payment_id), '[]') from allocations a)::text as touched_payments,
       (select count(*) from invoices_updated)::int as updated
  from next n`;

const INSERT_PAYMENTS = `
with p as (
  insert into payments (id, administration_id, debtor_id, amount, currency, status, source, paid_on, paid_at, reconciled_at, created_at)
  select r.id, ?::uuid, r.debtor_id, r.amount, r.currency, 'PAID', 'BOOKKEEPING', ?::date, ?::timestamptz, ?::timestamptz, ?::timestamptz
    from jsonb_to_recordset(?::jsonb) as r(id uuid, debtor_id uuid, amount bigint, currency text)
  returning id
)
insert into payment_allocations (id, administration_id, payment_id, invoice_id, amount, awaiting_amount)
select gen_random_uuid(), ?::uuid, r.id, r.invoice_id, r.amount, 0
  from jsonb_to_recordset(?::jsonb) as r(id uuid, invoice_id uuid, amount bigint)
  join p on p.id = r.id`;

const MARK_RECONCILED = `
update payments p set reconciled_at = ?::timestamptz
 where p.id = any (array(select jsonb_array_elements_text(?::jsonb))::uuid[]) and p.reconciled_at is null
   and not exists (select 1 from payment_allocations pa where pa.payment_id = p.id and pa.awaiting_amount > 0)
returning p.id`;

/**
 * Applies the bookkeeping's open amounts to existing invoices, in the caller's transaction, and raises
 * PaymentRecorded for the BOOKKEEPING payments and PaymentsReconciled for the payments it now shows.
 */
export async function applyBookkeepingOpenAmounts(em: EntityManager, at: BookkeepingMoment, amounts: BookkeepingOpenAmounts): Promise<BookkeepingResult> {
  const params = amounts.params ?? [];
  const when = at.now.toISOString();
  await executeBulk(em, LOCK(amounts.relation), [...params, at.administrationId]);
  const rows = await executeBulk<{ invoice_id: string; debtor_id: string; currency: string; remainder: string; closed: boolean; touched_payments: string }>(
    em,
    APPLY(amounts.relation),
    [...params, at.administrationId, when, when],
  );
  if (rows.length === 0) return { paymentIds: [], reconciledPaymentIds: [], invoicesClosed: 0, invoicesChanged: 0 };

  const unexplained = rows
    .filter((r) => BigInt(r.remainder) > 0n)
    .map((r) => ({ id: randomUUID(), debtor_id: r.debtor_id, invoice_id: r.invoice_id, amount: r.remainder, currency: r.currency }));
  if (unexplained.length > 0) {
    const json = JSON.stringify(unexplained);
    await executeBulk(em, INSERT_PAYMENTS, [at.administrationId, at.today, when, when, when, json, at.administrationId, json]);
  }
  const touched = JSON.parse(rows[0].touched_payments) as string[];
  const reconciled = touched.length === 0 ? [] : await executeBulk<{ id: string }>(em, MARK_RECONCILED, [when, JSON.stringify(touched)]);

  const paymentIds = unexplained.map((p) => p.id);
  const reconciledPaymentIds = reconciled.map((r) => r.id);
  await raise(em, { type: 'PaymentRecorded', administrationId: at.administrationId, paymentIds });
  await raise(em, { type: 'PaymentsReconciled', administrationId: at.administrationId, paymentIds: reconciledPaymentIds });
  return { paymentIds, reconciledPaymentIds, invoicesClosed: rows.filter((r) => r.closed).length, invoicesChanged: rows.length };
}
