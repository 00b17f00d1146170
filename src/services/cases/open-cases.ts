// Opening collection cases: many at once for the reminder flow's OPEN_CASE step (set-based, in the caller's
// transaction), and one by hand (openCase).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Case, InterestKind } from '../../entities/Case';
import { DebtorType } from '../../entities/Debtor';
import { InvoiceStatus } from '../../entities/Invoice';
import { newId } from '../../entities/base';
import { statutoryCollectionCosts } from '../../domain/collection-costs';
import { addDays } from '../../domain/dates';
import { badInput, conflict, notFound } from '../../schema/errors';
import { executeBulk } from '../ledger/sql';
import { todayOf } from '../ledger/today';

export interface OpenCasesInput {
  administrationId: string;
  now: Date;
  /** The administration's today: only invoices due before it go into a case. */
  today: string;
  /** One case per group (per currency, should a group's invoices span currencies). */
  groups: { debtorId: string; invoiceIds: string[] }[];
  /**
   * false: the caller sets the invoices' case_id and case_principal (their open amount) itself, later in the same
   * transaction, in a statement that updates them anyway (a reminder run moves them to their step): one new row
   * version per invoice instead of two. The invoices stay locked (for update) meanwhile.
   */
  linkInvoices?: boolean;
}

export interface OpenedCase {
  caseId: string;
  debtorId: string;
  invoiceIds: string[];
}

interface InvoiceRow {
  id: string;
  number: string;
  debtor_id: string;
  currency: string;
  status: InvoiceStatus;
  open_amount: string;
  due_date: string;
  letter_deadline: string | null;
  debtor_type: DebtorType;
  /** The number of the case (not closed) it is already in. */
  case_number: string | null;
  /** It is covered by an ACTIVE payment plan: the plan is the arrangement, not a case. */
  in_active_plan: boolean;
}

// Locked in id order, so two openings (or a payment) cannot interleave with the same invoices.
const LOCK_INVOICES = `
select i.id, i.number, i.debtor_id, i.currency, i.status, i.open_amount::text as open_amount, i.due_date::text as due_date,
       i.letter_deadline::text as letter_deadline, d.type as debtor_type,
       (case when c.status <> 'CLOSED' then c.number end) as case_number,
       exists (select 1 from payment_plans p where p.id = i.payment_plan_id and p.status = 'ACTIVE') as in_active_plan
  from invoices i
  join debtors d on d.id = i.debtor_id
  left join cases c on c.id = i.case_id
 where i.administration_id = ?::uuid and i.id = any(array(select jsonb_array_elements_text(?::jsonb))::uuid[])
 order by i.id
   for update of i`;

/** Reserves `count` case numbers of the administration in one statement; returns the first. */
const RESERVE_NUMBERS = `
update administrations set next_case_number = next_case_number + ?::int where id = ?::uuid
returning next_case_number - ?::int as first`;

const INSERT_CASES = `
insert into cases (id, administration_id, number, debtor_id, status, currency, principal, collection_costs, collection_costs_mode,
                   interest_kind, interest_from, letter_deadline, payment_plan_id, opened_at, closed_at, invoice_ids)
select r.id, ?::uuid, r.number, r.debtor_id, 'OPEN', r.currency, r.principal, r.collection_costs, 'UNDECIDED',
       r.interest_kind::interest_kind, r.interest_from, r.letter_deadline, null, ?::timestamptz, null, r.invoice_ids
  from jsonb_to_recordset(?::jsonb) as r(id uuid, number text, debtor_id uuid, currency text, principal bigint,
                                         collection_costs bigint, interest_kind text, interest_from date, letter_deadline date, invoice_ids uuid[])`;

// Each invoice keeps its open amount of this moment: its part of the principal, earning interest from its own start.
const LINK_INVOICES = `
update invoices i set case_id = r.case_id, case_principal = i.open_amount, updated_at = ?::timestamptz
  from jsonb_to_recordset(?::jsonb) as r(invoice_id uuid, case_id uuid)
 where i.id = r.invoice_id and i.administration_id = ?::uuid`;

function lockInvoices(em: EntityManager, administrationId: string, ids: string[]): Promise<InvoiceRow[]> {
  return executeBulk<InvoiceRow>(em, LOCK_INVOICES, [administrationId, JSON.stringify(ids)]);
}

/** An invoice that may go into a case: open, overdue, with something open, in no case that is still open nor an active plan. */
const eligible = (row: InvoiceRow, today: string) =>
  row.status === InvoiceStatus.OPEN && row.due_date < today && BigInt(row.open_amount) > 0n && row.case_number === null && !row.in_active_plan;

const maxOf = (dates: string[]) => dates.reduce((a, b) => (b > a ? b : a));
const minOf = (dates: string[]) => dates.reduce((a, b) => (b < a ? b : a));

/** The case's terms from its invoices: principal, costs, which interest, from when, and the letter's deadline. */
function termsOf(rows: InvoiceRow[]) {
  const principal = rows.reduce((sum, r) => sum + BigInt(r.open_amount), 0n);
  const isPrivate = rows[0].debtor_type === DebtorType.PRIVATE;
  // Costs may be charged to a private debtor only after a 14-day letter about all of it: the latest deadline counts,
  // and an invoice without a letter leaves the case without one.
  const deadlines = rows.map((r) => r.letter_deadline);
  const letterDeadline = isPrivate && deadlines.every((d) => d !== null) ? maxOf(deadlines as string[]) : null;
  // Interest runs per invoice (case-balance.ts); the case shows the earliest start.
  const starts = isPrivate
    ? deadlines.filter((d): d is string => d !== null).map((d) => addDays(d, 1))
    : rows.map((r) => addDays(r.due_date, 1));
  return {
    principal,
    collectionCosts: statutoryCollectionCosts(principal),
    interestKind: isPrivate ? InterestKind.STATUTORY : InterestKind.COMMERCIAL,
    interestFrom: starts.length > 0 ? minOf(starts) : null,
    letterDeadline,
  };
}

/**
 * Opens one case per group (the reminder flow's OPEN_CASE step) inside the caller's transaction (`em` is its
 * manager). Four statements whatever the number of groups: lock the invoices, reserve the numbers, insert the
 * cases, link the invoices. Invoices that are not of the group's debtor, not open, not overdue or already in an open
 * case are left out (a payment may have raced the flow); a group left with none opens no case.
 */
export async function openCases(em: EntityManager, input: OpenCasesInput): Promise<OpenedCase[]> {
  const ids = [...new Set(input.groups.flatMap((g) => g.invoiceIds))];
  if (ids.length === 0) return [];
  const rows = new Map((await lockInvoices(em, input.administrationId, ids)).map((r) => [r.id, r]));
  const cases: { debtorId: string; rows: InvoiceRow[] }[] = [];
  const taken = new Set<string>();
  for (const group of input.groups) {
    const perCurrency = new Map<string, InvoiceRow[]>();
    for (const id of group.invoiceIds) {
      const row = rows.get(id);
      if (!row || taken.has(id) || row.debtor_id !== group.debtorId || !eligible(row, input.today)) continue;
      taken.add(id);
      perCurrency.set(row.currency, [...(perCurrency.get(row.currency) ?? []), row]);
    }
    for (const currency of [...perCurrency.keys()].sort()) cases.push({ debtorId: group.debtorId, rows: perCurrency.get(currency)! });
  }
  if (cases.length === 0) return [];

  const [{ first }] = await executeBulk<{ first: number }>(em, RESERVE_NUMBERS, [cases.length, input.administrationId, cases.length]);
  const opened = cases.map((c, index) => ({ id: newId(), number: `C-${first + index}`, ...c }));
  const caseRows = opened.map((c) => {
    const terms = termsOf(c.rows);
    return {
      id: c.id,
      number: c.number,
      debtor_id: c.debtorId,
      currency: c.rows[0].currency,
      principal: terms.principal.toString(),
      collection_costs: terms.collectionCosts.toString(),
      interest_kind: terms.interestKind,
      interest_from: terms.interestFrom,
      letter_deadline: terms.letterDeadline,
      invoice_ids: c.rows.map((r) => r.id),
    };
  });
  const when = input.now.toISOString();
  await executeBulk(em, INSERT_CASES, [input.administrationId, when, JSON.stringify(caseRows)]);
  if (input.linkInvoices !== false) {
    const links = opened.flatMap((c) => c.rows.map((r) => ({ invoice_id: r.id, case_id: c.id })));
    await executeBulk(em, LINK_INVOICES, [when, JSON.stringify(links), input.administrationId]);
  }
  return opened.map((c) => ({ caseId: c.id, debtorId: c.debtorId, invoiceIds: c.rows.map((r) => r.id) }));
}

/** openCase: the given invoices, all of one debtor and currency, open, overdue and in no open case, become one case. */
export async function openCase(ctx: RequestContext, administrationId: string, invoiceIds: string[]): Promise<Case> {
  if (invoiceIds.length === 0) throw badInput('Name at least one invoice', 'invoiceIds');
  if (new Set(invoiceIds).size !== invoiceIds.length) throw badInput('An invoice is named more than once', 'invoiceIds');
  const today = await todayOf(ctx, administrationId);
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const rows = await lockInvoices(em, administrationId, invoiceIds);
    if (rows.length !== invoiceIds.length) throw notFound('Invoice not found');
    const first = rows[0];
    if (rows.some((r) => r.debtor_id !== first.debtor_id)) throw badInput('The invoices of a case must all be of one debtor', 'invoiceIds');
    if (rows.some((r) => r.currency !== first.currency)) throw badInput('The invoices of a case must all be in one currency', 'invoiceIds');
    for (const row of rows) {
      if (row.case_number !== null) throw conflict(`Invoice ${row.number} is already in case ${row.case_number}`);
      if (row.status !== InvoiceStatus.OPEN) throw conflict(`Invoice ${row.number} is ${row.status}; only open invoices go into a case`);
      if (row.due_date >= today) throw conflict(`Invoice ${row.number} is not overdue (due ${row.due_date})`);
      if (row.in_active_plan) throw conflict(`Invoice ${row.number} is in an active payment plan; cancel the plan first`);
    }
    const now = ctx.clock.now();
    const [opened] = await openCases(em, { administrationId, now, today, groups: [{ debtorId: first.debtor_id, invoiceIds }] });
    return em.findOneOrFail(Case, { id: opened.caseId });
  });
}
