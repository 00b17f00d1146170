// "Today" of an administration: the calendar date in its time zone, from the injectable clock.
import { todayIn } from '../../clock';
import type { RequestContext } from '../../context';
import { loadAdministration } from './loaders';

export async function todayOf(ctx: RequestContext, administrationId: string): Promise<string> {
  const administration = await loadAdministration(ctx, administrationId);
  return todayIn(ctx.clock, administration.timeZone);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
