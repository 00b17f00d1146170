// Opening collection cases from a reminder run: arrives with the cases of this issue (branch `cases`); until then a
// run that reaches an OPEN_CASE step fails with this error and sends nothing (its transaction rolls back).
import type { EntityManager } from '@mikro-orm/postgresql';

export async function openCases(
  _em: EntityManager,
  input: { administrationId: string; now: Date; today: string; groups: { debtorId: string; invoiceIds: string[] }[] },
): Promise<{ caseId: string; debtorId: string; invoiceIds: string[] }[]> {
  if (input.groups.length > 0) throw new Error('Collection cases are not available yet');
  return [];
}
