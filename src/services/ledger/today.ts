// "Today" of an administration: the calendar date in its time zone, from the injectable clock.
import { todayIn } from '../../clock';
import type { RequestContext } from '../../context';
import { loadAdministration } from './loaders';

export async function todayOf(ctx: RequestContext, administrationId: string): Promise<string> {
  const administration = await loadAdministration(ctx, administrationId);
  return todayIn(ctx.clock, administration.timeZone);
}
