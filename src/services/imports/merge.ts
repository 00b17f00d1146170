// The set-based merge of a staged import (import_rows, see staging.ts) into debtors and invoices, in the run's transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, executeBulk } from '../ledger/sql';
import { applyBookkeepingOpenAmounts, type BookkeepingMoment } from '../payments/bookkeeping-payments';
import type { Staged } from './staging';

export interface MergeCounts {
  invoicesCreated: number;
  invoicesUpdated: number;
  invoicesClosed: number;
  debtorsCreated: number;
  debtorsUpdated: number;
}

export interface MergeContext extends BookkeepingMoment {
  currency: string;
  defaultPaymentTermDays: number;
}

// Enough to sort and hash a file of a few hundred thousand rows in memory; for this transaction only.
const MERGE_WORK_MEM = '64MB';

// Of rows sharing an external id only the last stays: the file is one statement of what the bookkeeping says,
// so an earlier row never becomes an intermediate state (nor a payment).
const DROP_SUPERSEDED = `
delete from import_rows r
 where r.external_id in (select jsonb_array_elements_text(?::jsonb))
   and exists (select 1 from import_rows l where l.external_id = r.external_id and l.row > r.row)`;

// A debtor's details are those of its last row. Unchanged debtors are filtered out before the upsert, so
// they are neither rewritten nor locked. A new email address is no longer the one that bounced (EMAIL_BOUNCED).
const MERGE_DEBTORS = `
with last as (
  select max(row) as row from import_rows group by debtor_external_id
), src as (
  select r.debtor_external_id as external_id, r.debtor_name as name, r.debtor_type::debtor_type as type, r.debtor_email as email,
         r.debtor_phone as phone, r.debtor_street as street, r.debtor_house_number as house_number, r.debtor_postcode as postcode,
         r.debtor_city as city, r.debtor_country as country
    from import_rows r join last l on l.row = r.row
), changed as (
  select s.* from src s left join debtors d on d.administration_id = ?::uuid and d.external_id = s.external_id
   where d.id is null
      or (d.name, d.type, d.email, d.phone, d.street, d.house_number, d.postcode, d.city, d.country)
         is distinct from (s.name, s.type, s.email, s.phone, s.street, s.house_number, s.postcode, s.city, s.country)
), written as (
  insert into debtors (id, administration_id, external_id, name, type, email, phone, street, house_number, postcode, city, country, created_at, updated_at)
  select gen_random_uuid(), ?::uuid, c.external_id, c.name, c.type, c.email, c.phone, c.street, c.house_number, c.postcode, c.city, c.country,
         ?::timestamptz, ?::timestamptz
    from changed c
  on conflict (administration_id, external_id) do update set
    name = excluded.name, type = excluded.type, email = excluded.email, phone = excluded.phone, street = excluded.street,
    house_number = excluded.house_number, postcode = excluded.postcode, city = excluded.city, country = excluded.country,
    updated_at = excluded.updated_at,
    email_bounced_at = case when lower(trim(debtors.email)) is distinct from lower(trim(excluded.email)) then null else debtors.email_bounced_at end
  returning (xmax = 0) as inserted
)
select count(*) filter (where inserted)::int as created, count(*) filter (where not inserted)::int as updated from written`;

// The ids of the file's debtors, in a table of their own with statistics: on a first import the planner has none
// for the debtors just written, and would guess the join of the invoices to them to be tiny (and pick a plan to match).
const DEBTOR_IDS = `
create temp table import_debtors on commit drop as
select d.external_id, d.id from debtors d
 where d.administration_id = ?::uuid and d.external_id in (select debtor_external_id from import_rows)`;

// Every statement of one WITH sees the invoices as they were before it, so the counts compare with the old rows:
// an invoice counts once as updated, whether its details, its open amount or both changed. Only new and changed
// rows reach the upsert; the changed open amounts of existing invoices are set aside for the payment rule.
const MERGE_INVOICES = `
with src as (
  select r.external_id, r.number, r.issue_date, coalesce(r.due_date, r.issue_date + ?::int) as due_date, r.amount, r.open_amount,
         coalesce(r.currency, ?) as currency, d.id as debtor_id
    from import_rows r join import_debtors d on d.external_id = r.debtor_external_id
), compared as (
  select s.*, i.id as invoice_id, i.id is null as created,
         (i.debtor_id, i.number, i.issue_date, i.due_date, i.amount, i.currency)
           is distinct from (s.debtor_id, s.number, s.issue_date, s.due_date, s.amount, s.currency) as details_changed,
         i.bookkeeping_open_amount is distinct from s.open_amount as open_changed
    from src s left join invoices i on i.administration_id = ?::uuid and i.external_id = s.external_id
), written as (
  insert into invoices (id, administration_id, debtor_id, external_id, number, issue_date, due_date, amount, open_amount, bookkeeping_open_amount,
                        currency, status, on_hold, created_at, updated_at, paid_at)
  select gen_random_uuid(), ?::uuid, c.debtor_id, c.external_id, c.number, c.issue_date, c.due_date, c.amount, c.open_amount, c.open_amount,
         c.currency, (case when c.open_amount = 0 then 'PAID' else 'OPEN' end)::invoice_status, false, ?::timestamptz, ?::timestamptz,
         case when c.open_amount = 0 then ?::timestamptz end
    from compared c where c.details_changed
  on conflict (administration_id, external_id) do update set
    debtor_id = excluded.debtor_id, number = excluded.number, issue_date = excluded.issue_date, due_date = excluded.due_date,
    amount = excluded.amount, currency = excluded.currency, updated_at = excluded.updated_at
  returning 1
), open_amounts as (
  insert into import_open_amounts (invoice_id, bookkeeping_open)
  select c.invoice_id, c.open_amount from compared c where not c.created and c.open_changed
)
select count(*) filter (where created)::int as created,
       count(*) filter (where not created and (details_changed or open_changed))::int as updated,
       (select count(*) from written)::int as written
  from compared`;

// The open amounts the payment rule acts on: existing invoices whose open amount the file changes (found by
// MERGE_INVOICES) and, in a complete import, the open invoices it leaves out.
const CREATE_OPEN_AMOUNTS = 'create temp table import_open_amounts (invoice_id uuid not null, bookkeeping_open bigint not null) on commit drop';

// A complete import lists every open item: an invoice it leaves out is settled in the bookkeeping (open 0).
const ABSENT_OPEN_AMOUNTS = `
insert into import_open_amounts (invoice_id, bookkeeping_open)
select i.id, 0 from invoices i
 where i.administration_id = ?::uuid and i.bookkeeping_open_amount <> 0
   and not exists (select 1 from import_rows r where r.external_id = i.external_id)`;

/**
 * Merges the staged rows: duplicates dropped (last row wins), debtors, invoices, then the open amounts through
 * the payment rule (applyBookkeepingOpenAmounts); with `closeAbsent`, open invoices the file leaves out are closed.
 */
export async function mergeStaged(tx: EntityManager, at: MergeContext, staged: Staged, closeAbsent: boolean): Promise<MergeCounts> {
  const adm = at.administrationId;
  const when = at.now.toISOString();
  // The merge sorts and hashes the whole file: in memory, not in temporary files.
  await execute(tx, `set local work_mem = '${MERGE_WORK_MEM}'`);
  if (staged.duplicates.length > 0) await executeBulk(tx, DROP_SUPERSEDED, [JSON.stringify(staged.duplicates)]);
  // Temporary tables are never analysed on their own; without statistics the planner guesses the joins badly.
  await execute(tx, 'analyze import_rows (row, external_id, debtor_external_id)');

  await execute(tx, CREATE_OPEN_AMOUNTS);
  const [debtors] = await executeBulk<{ created: number; updated: number }>(tx, MERGE_DEBTORS, [adm, adm, when, when]);
  await execute(tx, DEBTOR_IDS, [adm]);
  await execute(tx, 'analyze import_debtors');
  // Before the invoices are merged, so that the new ones need not be looked at: they are all in the file.
  if (closeAbsent) await execute(tx, ABSENT_OPEN_AMOUNTS, [adm]);
  const [invoices] = await executeBulk<{ created: number; updated: number }>(tx, MERGE_INVOICES, [
    at.defaultPaymentTermDays,
    at.currency,
    adm,
    adm,
    when,
    when,
    when,
  ]);
  const payments = await applyBookkeepingOpenAmounts(tx, at, { relation: 'import_open_amounts' });
  return {
    invoicesCreated: invoices.created,
    invoicesUpdated: invoices.updated,
    invoicesClosed: payments.invoicesClosed,
    debtorsCreated: debtors.created,
    debtorsUpdated: debtors.updated,
  };
}
