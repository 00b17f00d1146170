// Bulk writes of one batch of imported invoices: multi-row INSERT ... ON CONFLICT through native SQL, tenant-scoped explicitly.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ImportedInvoice } from '../../integrations/bookkeeping';
import { executeBulk } from '../ledger/sql';
import { applyBookkeepingOpenAmounts } from '../payments/bookkeeping-payments';

export interface BatchCounts {
  invoicesCreated: number;
  invoicesUpdated: number;
  invoicesClosed: number;
  debtorsCreated: number;
  debtorsUpdated: number;
}

export interface BatchResult extends BatchCounts {
  /** Invoice ids by external id, for attaching documents. */
  invoiceIds: Map<string, string>;
}

export interface BatchContext {
  administrationId: string;
  currency: string;
  defaultPaymentTermDays: number;
  now: Date;
  today: string;
  /**
   * Debtors this run has already written, with what it wrote: most debtors have many invoices, and
   * a debtor unchanged since its previous row needs no second upsert.
   */
  debtorsWritten: Map<string, string>;
}

// Bounds the memory of BatchContext.debtorsWritten; past it, debtors are simply upserted again.
const MAX_REMEMBERED_DEBTORS = 200_000;

// Rows travel as one JSON parameter: no driver-side expansion of thousands of placeholders.
const UPSERT_DEBTORS = `
insert into debtors (id, administration_id, external_id, name, type, email, phone, street, house_number, postcode, city, country, created_at, updated_at)
select gen_random_uuid(), ?::uuid, r.external_id, r.name, r.type::debtor_type, r.email, r.phone, r.street, r.house_number, r.postcode, r.city, r.country, ?::timestamptz, ?::timestamptz
  from jsonb_to_recordset(?::jsonb) as r(external_id text, name text, type text, email text, phone text, street text, house_number text, postcode text, city text, country text)
on conflict (administration_id, external_id) do update set
  name = excluded.name, type = excluded.type, email = excluded.email, phone = excluded.phone, street = excluded.street,
  house_number = excluded.house_number, postcode = excluded.postcode, city = excluded.city, country = excluded.country,
  updated_at = excluded.updated_at
  where (debtors.name, debtors.type, debtors.email, debtors.phone, debtors.street, debtors.house_number, debtors.postcode, debtors.city, debtors.country)
    is distinct from (excluded.name, excluded.type, excluded.email, excluded.phone, excluded.street, excluded.house_number, excluded.postcode, excluded.city, excluded.country)
returning (xmax = 0) as inserted`;

// What the batch's invoices look like now: for payments (drops in open amount) and to skip unchanged rows.
const EXISTING_INVOICES = `
select i.id, i.external_id, i.debtor_id, d.external_id as debtor_external_id, i.number, i.issue_date::text as issue_date,
       i.due_date::text as due_date, i.amount::text as amount, i.bookkeeping_open_amount::text as bookkeeping_open_amount, i.currency
  from invoices i join debtors d on d.id = i.debtor_id
 where i.administration_id = ?::uuid and i.external_id = any (array(select jsonb_array_elements_text(?::jsonb)))`;

interface ExistingInvoice {
  id: string;
  external_id: string;
  debtor_id: string;
  debtor_external_id: string;
  number: string;
  issue_date: string;
  due_date: string;
  amount: string;
  bookkeeping_open_amount: string;
  currency: string;
}

type InvoiceRow = Pick<ExistingInvoice, 'external_id' | 'number' | 'issue_date' | 'due_date' | 'amount' | 'currency' | 'debtor_external_id'> & {
  open_amount: string;
};

/** Whether the upsert would leave the invoice's details as they are (the same test as its WHERE ... IS DISTINCT FROM). */
function detailsUnchanged(row: InvoiceRow, old: ExistingInvoice | undefined): boolean {
  return (
    old !== undefined &&
    old.number === row.number &&
    old.issue_date === row.issue_date &&
    old.due_date === row.due_date &&
    old.amount === row.amount &&
    old.currency === row.currency &&
    old.debtor_external_id === row.debtor_external_id
  );
}

const UPSERT_INVOICES = `
insert into invoices (id, administration_id, debtor_id, external_id, number, issue_date, due_date, amount, open_amount, bookkeeping_open_amount, currency, status, on_hold, created_at, updated_at)
select gen_random_uuid(), ?::uuid, d.id, r.external_id, r.number, r.issue_date, r.due_date, r.amount, r.open_amount, r.open_amount, r.currency,
       (case when r.open_amount = 0 then 'PAID' else 'OPEN' end)::invoice_status, false, ?::timestamptz, ?::timestamptz
  from jsonb_to_recordset(?::jsonb) as r(external_id text, number text, issue_date date, due_date date, amount bigint, open_amount bigint, currency text, debtor_external_id text)
  join debtors d on d.administration_id = ?::uuid and d.external_id = r.debtor_external_id
on conflict (administration_id, external_id) do update set
  debtor_id = excluded.debtor_id, number = excluded.number, issue_date = excluded.issue_date, due_date = excluded.due_date,
  amount = excluded.amount, currency = excluded.currency, updated_at = excluded.updated_at
  where (invoices.debtor_id, invoices.number, invoices.issue_date, invoices.due_date, invoices.amount, invoices.currency)
    is distinct from (excluded.debtor_id, excluded.number, excluded.issue_date, excluded.due_date, excluded.amount, excluded.currency)
returning id, external_id, (xmax = 0) as inserted`;
// Open amounts of existing invoices go through the payment rule (services/payments), never straight into the row.

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const OPEN_AMOUNTS_RELATION = `(select * from jsonb_to_recordset(?::jsonb) as r(invoice_id uuid, bookkeeping_open bigint))`;

/**
 * Upserts one batch (duplicates by external id already removed: the last row wins). A changed open amount
 * of an existing invoice goes through the payment rule (applyBookkeepingOpenAmounts).
 */
export async function upsertBatch(em: EntityManager, batch: BatchContext, invoices: ImportedInvoice[]): Promise<BatchResult> {
  const debtors = new Map(invoices.map((i) => [i.debtor.externalId, i.debtor]));
  const at = batch.now.toISOString();
  const debtorRows = [...debtors.values()].map((d) => ({
    external_id: d.externalId,
    name: d.name,
    type: d.type,
    email: d.email,
    phone: d.phone,
    street: d.street,
    house_number: d.houseNumber,
    postcode: d.postcode,
    city: d.city,
    country: d.country,
  }));
  const changedDebtors = debtorRows.filter((row) => {
    const written = JSON.stringify(row);
    if (batch.debtorsWritten.get(row.external_id) === written) return false;
    if (batch.debtorsWritten.size >= MAX_REMEMBERED_DEBTORS) batch.debtorsWritten.clear();
    batch.debtorsWritten.set(row.external_id, written);
    return true;
  });
  const debtorResult =
    changedDebtors.length === 0
      ? []
      : await executeBulk<{ inserted: boolean }>(em, UPSERT_DEBTORS, [batch.administrationId, at, at, JSON.stringify(changedDebtors)]);

  const existing = await executeBulk<ExistingInvoice>(em, EXISTING_INVOICES, [
    batch.administrationId,
    JSON.stringify(invoices.map((i) => i.externalId)),
  ]);
  const before = new Map(existing.map((e) => [e.external_id, e]));

  const invoiceRows: InvoiceRow[] = invoices.map((i) => ({
    external_id: i.externalId,
    number: i.number,
    issue_date: i.issueDate,
    due_date: i.dueDate ?? addDays(i.issueDate, batch.defaultPaymentTermDays),
    amount: i.amountCents.toString(),
    open_amount: i.openAmountCents.toString(),
    currency: i.currency ?? batch.currency,
    debtor_external_id: i.debtor.externalId,
  }));
  // A daily import repeats mostly what the last one said; those rows need no write at all.
  const changedRows = invoiceRows.filter((row) => !detailsUnchanged(row, before.get(row.external_id)));
  const written =
    changedRows.length === 0
      ? []
      : await executeBulk<{ id: string; external_id: string; inserted: boolean }>(em, UPSERT_INVOICES, [
          batch.administrationId,
          at,
          at,
          JSON.stringify(changedRows),
          batch.administrationId,
        ]);

  const openAmounts = invoiceRows
    .filter((row) => before.has(row.external_id) && before.get(row.external_id)!.bookkeeping_open_amount !== row.open_amount)
    .map((row) => ({ invoice_id: before.get(row.external_id)!.id, bookkeeping_open: row.open_amount }));
  const payments =
    openAmounts.length === 0
      ? { paymentIds: [], invoicesClosed: 0 }
      : await applyBookkeepingOpenAmounts(em, batch, { relation: OPEN_AMOUNTS_RELATION, params: [JSON.stringify(openAmounts)] });

  const invoiceIds = new Map(existing.map((e) => [e.external_id, e.id]));
  for (const w of written) invoiceIds.set(w.external_id, w.id);
  return {
    invoicesCreated: written.filter((w) => w.inserted).length,
    // An invoice counts once as updated, whether its details, its open amount or both changed.
    invoicesUpdated: new Set([...written.filter((w) => !w.inserted).map((w) => w.id), ...openAmounts.map((o) => o.invoice_id)]).size,
    invoicesClosed: payments.invoicesClosed,
    debtorsCreated: debtorResult.filter((d) => d.inserted).length,
    debtorsUpdated: debtorResult.filter((d) => !d.inserted).length,
    invoiceIds,
  };
}
