// Standard messages: an administration's reusable subjects and bodies, with default CC and BCC.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { StandardMessage } from '../../entities/StandardMessage';
import { badInput, notFound } from '../../schema/errors';
import { checkAddresses, checkBody, checkSubject } from './content';

export interface StandardMessageInput {
  description: string;
  subject: string;
  body: string;
  cc?: string[] | null;
  bcc?: string[] | null;
}

const MAX_DESCRIPTION_LENGTH = 200;

/** Every rule at once, before anything is written; an unknown placeholder is refused here, not when sending. */
function checked(input: StandardMessageInput) {
  const description = input.description.trim();
  if (description === '') throw badInput('description is required', 'description');
  if (description.length > MAX_DESCRIPTION_LENGTH) throw badInput(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters`, 'description');
  return {
    description,
    subject: checkSubject(input.subject),
    body: checkBody(input.body),
    cc: checkAddresses(input.cc, 'cc') ?? [],
    bcc: checkAddresses(input.bcc, 'bcc') ?? [],
  };
}

export function listStandardMessages(ctx: RequestContext, administrationId: string): Promise<StandardMessage[]> {
  return tenantEm(ctx, administrationId).find(StandardMessage, {}, { orderBy: { description: 'asc', id: 'asc' } });
}

export async function createStandardMessage(ctx: RequestContext, administrationId: string, input: StandardMessageInput): Promise<StandardMessage> {
  const values = checked(input);
  const em = tenantEm(ctx, administrationId);
  const now = ctx.clock.now();
  const standard = em.create(StandardMessage, { administration: administrationId, ...values, createdAt: now, updatedAt: now });
  await em.flush();
  return standard;
}

export async function updateStandardMessage(ctx: RequestContext, administrationId: string, id: string, input: StandardMessageInput): Promise<StandardMessage> {
  const values = checked(input);
  const em = tenantEm(ctx, administrationId);
  const standard = await em.findOne(StandardMessage, { id });
  if (!standard) throw notFound('Standard message not found');
  em.assign(standard, { ...values, updatedAt: ctx.clock.now() });
  await em.flush();
  return standard;
}

/** Messages sent with it keep their content: they were filled in when they were written. */
export async function deleteStandardMessage(ctx: RequestContext, administrationId: string, id: string): Promise<boolean> {
  const deleted = await tenantEm(ctx, administrationId).nativeDelete(StandardMessage, { id });
  if (deleted === 0) throw notFound('Standard message not found');
  return true;
}
