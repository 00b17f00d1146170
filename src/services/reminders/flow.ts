// An administration's reminder flow: reading it, and replacing it as a whole (ADMIN).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { ReminderStep } from '../../entities/ReminderStep';
import type { ReminderStepSpec } from '../../domain/default-reminder-flow';
import { readRows } from '../lists/read-rows';
import { execute } from '../ledger/sql';
import { validateFlow } from './validate-flow';

/** The steps in flow order, as read-only snapshots. */
export async function loadFlow(em: EntityManager, administrationId: string): Promise<ReminderStep[]> {
  const rows = await execute(em, 'select * from reminder_steps where administration_id = ? order by position', [administrationId]);
  return readRows(em, ReminderStep, rows);
}

export async function reminderFlow(ctx: RequestContext, administrationId: string): Promise<{ steps: ReminderStep[] }> {
  return { steps: await loadFlow(ctx.em, administrationId) };
}

/**
 * Checks the whole flow, then replaces the steps in one transaction. Invoices keep the step they reached (their
 * phase stays its key); what comes next is decided by days after due, so a changed flow continues where each stands.
 */
export async function updateReminderFlow(ctx: RequestContext, administrationId: string, steps: ReminderStepSpec[]): Promise<{ steps: ReminderStep[] }> {
  const cleaned = steps.map((s) => ({ ...s, key: s.key.trim(), name: s.name.trim() }));
  validateFlow(cleaned);
  await tenantEm(ctx, administrationId).transactional(async (em) => {
    await execute(em, 'delete from reminder_steps where administration_id = ?', [administrationId]);
    cleaned.forEach((step, position) => em.create(ReminderStep, { administration: administrationId, position, ...step }));
    await em.flush();
  });
  return reminderFlow(ctx, administrationId);
}
