// Replay protection of signed webhooks: each signature token is accepted once. A token is remembered for twice the
// signature's tolerance, after which its timestamp is refused anyway.
import type { EntityManager } from '@mikro-orm/postgresql';
import { SIGNATURE_TOLERANCE_MS } from '../../integrations/mail/mailgun-signature';
import { execute } from '../ledger/sql';

const REMEMBER_MS = 2 * SIGNATURE_TOLERANCE_MS + 60_000;

// Forgotten in passing by each webhook; SKIP LOCKED leaves rows another webhook is pruning right now to it, so
// concurrent webhooks never wait for each other here.
const PRUNE = `
delete from mailgun_webhook_tokens
 where token in (select token from mailgun_webhook_tokens where used_at < ?::timestamptz limit 500 for update skip locked)`;

/**
 * In the caller's transaction, so the token is only used up when the webhook's change commits (a post that failed
 * can be retried). The primary key decides: of two concurrent posts with one token, the second waits for the
 * first's transaction and then inserts nothing. False: the token was used before.
 */
export async function consumeWebhookToken(em: EntityManager, token: string, now: Date): Promise<boolean> {
  await execute(em, PRUNE, [new Date(now.getTime() - REMEMBER_MS).toISOString()]);
  const rows = await execute(em, 'insert into mailgun_webhook_tokens (token, used_at) values (?, ?::timestamptz) on conflict (token) do nothing returning token', [
    token,
    now.toISOString(),
  ]);
  return rows.length === 1;
}

/** A cheap early look before any work (storing a reply's attachments); consumeWebhookToken still decides. */
export async function webhookTokenUsed(em: EntityManager, token: string): Promise<boolean> {
  const rows = await execute(em, 'select 1 from mailgun_webhook_tokens where token = ?', [token]);
  return rows.length > 0;
}
