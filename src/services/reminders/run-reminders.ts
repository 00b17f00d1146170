// One reminder run of one administration: every invoice whose next step has come gets it, exactly once.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { rootEmOf } from '../../context';
import { todayIn } from '../../clock';
import { type InvoiceLine, MessageStatus, TargetType } from '../../entities/Message';
import { ReminderAction } from '../../entities/ReminderStep';
import { RunStatus } from '../../entities/ReminderRun';
import { isEmailAddress } from '../../domain/email-address';
import { newId } from '../../entities/base';
import { letterDeadlineFor } from '../../domain/fourteen-day-letter';
import { execute, executeBulk } from '../ledger/sql';
import { arrayLiteral } from '../ledger/array-literal';
import { enqueueDeliveries } from '../messages/delivery';
import { writeOutboundMessages, type NewMessage } from '../messages/write-messages';
import { openCases } from '../cases/open-cases';
import { DUE_STEPS_SQL, type PlannedRow } from './planned-steps';
import { renderReminder } from './render-reminder';
import { isPausedOn } from './pause';
import { LEASE_FROM_NOW } from './reminder-runs';

interface RunContext {
  administrationId: string;
  name: string;
  timeZone: string;
  signature: string | null;
  paused: boolean;
  pausedUntil: string | null;
}

interface Group {
  debtorId: string;
  step: PlannedRow;
  /** The selected rows of its invoices: which they are, what its email lists, and the debtor's name and address. */
  rows: PlannedRow[];
}

export interface RunCounts {
  invoicesSelected: number;
  messagesQueued: number;
  casesOpened: number;
}

/** Serialises runs of one administration (two workers, a daily and a manual run): the second finds nothing due. */
const RUN_LOCK_SQL = `select pg_advisory_xact_lock(hashtext('reminders:' || ?))`;

/**
 * Runs the run `runId` once: marks it RUNNING, does all its work in one transaction, and records the outcome. A
 * worker that dies mid-run leaves the run RUNNING and its job to be taken up again: the transaction rolled back,
 * so the next attempt starts from scratch and the unique (invoice, step) row keeps anything from going twice.
 */
export async function executeReminderRun(ctx: RequestContext, runId: string): Promise<void> {
  const em = rootEmOf(ctx).fork();
  const [run] = await execute<{ administration_id: string }>(
    em,
    `update reminder_runs set status = 'RUNNING', started_at = coalesce(started_at, ?::timestamptz), lease_until = ${LEASE_FROM_NOW}
      where id = ? and status in ('QUEUED', 'RUNNING') returning administration_id`,
    [ctx.clock.now().toISOString(), ctx.config.jobs.leaseSeconds, runId],
  );
  if (!run) return;
  try {
    // The outcome is written in the run's own transaction: counts and status commit with what was sent, or not at all.
    await em.transactional((tx) => runInTransaction(ctx, tx, runId, run.administration_id));
  } catch (error) {
    ctx.logger.error({ err: error, runId }, 'reminder run failed');
    await execute(em, `update reminder_runs set status = ?, finished_at = ?::timestamptz, error = ?, lease_until = null where id = ? and status = 'RUNNING'`, [
      RunStatus.FAILED,
      ctx.clock.now().toISOString(),
      error instanceof Error ? error.message : String(error),
      runId,
    ]);
  }
}

async function runInTransaction(ctx: RequestContext, em: EntityManager, runId: string, administrationId: string): Promise<void> {
  await execute(em, RUN_LOCK_SQL, [administrationId]);
  // Another job of this run (queued again after its lease ran out) may have finished it while this one waited.
  const [current] = await execute<{ status: string }>(em, 'select status from reminder_runs where id = ?', [runId]);
  if (current?.status !== RunStatus.RUNNING) return;
  const counts = await selectAndSend(ctx, em, runId, administrationId);
  await execute(
    em,
    `update reminder_runs set status = ?, finished_at = ?::timestamptz, invoices_selected = ?, messages_queued = ?, cases_opened = ?, lease_until = null where id = ?`,
    [RunStatus.SUCCEEDED, ctx.clock.now().toISOString(), counts.invoicesSelected, counts.messagesQueued, counts.casesOpened, runId],
  );
}

async function selectAndSend(ctx: RequestContext, em: EntityManager, runId: string, administrationId: string): Promise<RunCounts> {
  const [admin] = await execute<RunContext>(
    em,
    `select a.id as "administrationId", a.name, a.time_zone as "timeZone", s.email_signature as signature, s.paused, s.paused_until::text as "pausedUntil"
       from administrations a join administration_settings s on s.administration_id = a.id where a.id = ?`,
    [administrationId],
  );
  const today = todayIn(ctx.clock, admin.timeZone);
  if (isPausedOn(admin, today)) return { invoicesSelected: 0, messagesQueued: 0, casesOpened: 0 };
  const due = await execute<PlannedRow>(em, DUE_STEPS_SQL, [administrationId, today, administrationId, today]);
  if (due.length === 0) return { invoicesSelected: 0, messagesQueued: 0, casesOpened: 0 };

  const groups = groupByDebtorAndStep(due);
  const letterDeadline = letterDeadlineFor(today);
  // One instant for everything the run writes: its timeline entries keep their order by rank.
  const now = ctx.clock.now();

  const caseGroups = groups.filter((g) => g.step.action === ReminderAction.OPEN_CASE);
  const opened = await openCases(em, {
    administrationId,
    now,
    today,
    groups: caseGroups.map((g) => ({ debtorId: g.debtorId, invoiceIds: g.rows.map((r) => r.invoice_id) })),
    // Linked below, with their step.
    linkInvoices: false,
  });
  const caseOfInvoice = new Map(opened.flatMap((c) => c.invoiceIds.map((id) => [id, c.caseId] as const)));

  const messages = await writeReminderMessages(ctx, em, admin, groups, letterDeadline, caseOfInvoice, now);
  await recordSteps(em, { administrationId, runId, today, letterDeadline, now }, groups, messages, caseOfInvoice);
  return {
    invoicesSelected: due.length,
    // One per debtor and step, emailed or (no usable address) written as NOT_EMAILED.
    messagesQueued: messages.length,
    casesOpened: opened.length,
  };
}

interface RecordedStep {
  /** Names the row as a timeline entry (the key is the invoice and the step). */
  id: string;
  invoiceId: string;
  group: Group;
  messageId: string;
  caseId: string | null;
}

/**
 * The unique (invoice, step) rows, with the email that went, and each invoice now at its step (its phase; a 14-day
 * letter also starts its term) and in the case the step opened: one statement. Runs of an administration take
 * turns (the lock above), so none of these rows exists yet; should one all the same, the unique key refuses it and
 * the whole run rolls back rather than send a step twice. Every row's invoice is one this statement updates, of
 * this administration: the counts must match (instead of a foreign key, which would lock each invoice once more).
 */
async function recordSteps(
  em: EntityManager,
  run: { administrationId: string; runId: string; today: string; letterDeadline: string; now: Date },
  groups: Group[],
  messages: { id: string }[],
  caseOfInvoice: Map<string, string>,
): Promise<void> {
  const steps: RecordedStep[] = groups.flatMap((group, i) =>
    group.rows.map(({ invoice_id }) => ({ id: newId(), invoiceId: invoice_id, group, messageId: messages[i].id, caseId: caseOfInvoice.get(invoice_id) ?? null })),
  );
  // In invoice order: the (invoice, step) key and the invoices' are walked page by page.
  steps.sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0));
  const column = (value: (step: RecordedStep) => string | number | null) => arrayLiteral(steps.map(value));
  const at = run.now.toISOString();
  let counts: { recorded: number; stepped: number };
  try {
    [counts] = await executeBulk<{ recorded: number; stepped: number }>(
      em,
      `with x as materialized (
         select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::uuid[], ?::uuid[]) as x(id, invoice_id, key, action, days, message_id, case_id)
       ), sent as (
         insert into reminder_sends (id, administration_id, invoice_id, step_key, action, run_id, message_id, case_id, sent_on, created_at)
         select x.id, ?::uuid, x.invoice_id, x.key, x.action::reminder_action, ?::uuid, x.message_id, x.case_id, ?::date, ?::timestamptz
           from x
         returning 1
       ), stepped as (
         update invoices i set reminder_step_key = x.key, reminder_step_days = x.days,
                letter_deadline = case when x.action = 'FOURTEEN_DAY_LETTER' then ?::date else i.letter_deadline end,
                case_id = coalesce(x.case_id, i.case_id), case_principal = case when x.case_id is null then i.case_principal else i.open_amount end,
                updated_at = ?::timestamptz
           from x
          where i.id = x.invoice_id and i.administration_id = ?::uuid
         returning 1
       )
       select (select count(*) from sent)::int as recorded, (select count(*) from stepped)::int as stepped`,
      [
        column((s) => s.id),
        column((s) => s.invoiceId),
        column((s) => s.group.step.key),
        column((s) => s.group.step.action),
        column((s) => s.group.step.days_after_due),
        column((s) => s.messageId),
        column((s) => s.caseId),
        run.administrationId,
        run.runId,
        run.today,
        at,
        run.letterDeadline,
        at,
        run.administrationId,
      ],
    );
  } catch (error) {
    if ((error as { constraint?: string }).constraint === 'reminder_sends_pkey') {
      throw new Error('Another run sent some of these steps meanwhile; this run sent nothing and the next one continues');
    }
    throw error;
  }
  if (counts.recorded !== steps.length || counts.stepped !== steps.length) {
    throw new Error(`Recorded ${counts.recorded} and stepped ${counts.stepped} of ${steps.length} invoices; this run sent nothing`);
  }
}

function groupByDebtorAndStep(rows: PlannedRow[]): Group[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const key = `${row.debtor_id}:${row.key}`;
    const group = groups.get(key) ?? { debtorId: row.debtor_id, step: row, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** One message per group, about the debtor (or the case a step opened), written with its delivery job. */
async function writeReminderMessages(
  ctx: RequestContext,
  em: EntityManager,
  admin: RunContext,
  groups: Group[],
  letterDeadline: string,
  caseOfInvoice: Map<string, string>,
  now: Date,
) {
  const steps = await execute<{ key: string; subject: string; body: string }>(em, 'select key, subject, body from reminder_steps where administration_id = ?', [
    admin.administrationId,
  ]);
  const stepByKey = new Map(steps.map((s) => [s.key, s]));
  // A debtor reached by several steps at once gets as many emails: their link is signed once.
  const portalUrls = new Map<string, string>();
  const portalUrlOf = (debtorId: string, nonce: string) => {
    let url = portalUrls.get(debtorId);
    if (url === undefined) {
      url = ctx.portalLinks.urlOf(debtorId, nonce);
      portalUrls.set(debtorId, url);
    }
    return url;
  };
  // The amounts are those the selection read: an email lists the invoices as they stood when the run chose them.
  const drafts: NewMessage[] = groups.map((group) => {
    const debtor = group.rows[0];
    const step = stepByKey.get(group.step.key)!;
    const listed: InvoiceLine[] = [...group.rows]
      .sort((a, b) => a.due_date.localeCompare(b.due_date) || a.number.localeCompare(b.number))
      .map((i) => ({ number: i.number, dueDate: i.due_date, openAmount: i.open_amount, currency: i.currency }));
    const action = group.step.action as ReminderAction;
    const rendered = renderReminder(ctx, {
      step: { key: group.step.key, action, subject: step.subject, body: step.body },
      administrationName: admin.name,
      signature: admin.signature,
      debtor: { name: debtor.debtor_name, portalUrl: portalUrlOf(group.debtorId, debtor.portal_link_nonce) },
      invoices: listed,
      letterDeadline: action === ReminderAction.FOURTEEN_DAY_LETTER ? letterDeadline : null,
    });
    const address = debtor.debtor_email?.trim() ?? '';
    const emailable = isEmailAddress(address);
    const caseId = caseOfInvoice.get(group.rows[0].invoice_id);
    return {
      threadToken: rendered.token,
      targetType: caseId ? TargetType.CASE : TargetType.DEBTOR,
      targetId: caseId ?? group.debtorId,
      debtorId: group.debtorId,
      // About the debtor (or case), not one invoice: each invoice shows the reminder as its REMINDER_SENT entry.
      invoiceId: null,
      to: emailable ? [address] : [],
      cc: [],
      bcc: [],
      subject: rendered.subject,
      body: rendered.body,
      status: emailable ? MessageStatus.QUEUED : MessageStatus.NOT_EMAILED,
      email: emailable ? rendered.email : null,
      failureReason: emailable ? null : address ? `The debtor's email address '${address}' is not valid` : 'The debtor has no email address',
      attachments: [],
    };
  });
  const messages = await writeOutboundMessages(em, admin.administrationId, null, now, drafts, ctx.config.jobs.leaseSeconds);
  await enqueueDeliveries(em, admin.administrationId, messages.filter((m) => m.status === MessageStatus.QUEUED));
  return messages;
}
