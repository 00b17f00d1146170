// Mailgun's webhooks: POST /webhooks/mailgun/events (delivery events, JSON) and /webhooks/mailgun/inbound (a
// route's forward of a reply, a form). Each post must be signed with MAILGUN_WEBHOOK_SIGNING_KEY, recent, and new.
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { parseMailgunEvent } from '../integrations/mail/mailgun-events';
import { InboundFormError, parseInboundEmail, readForm, signatureOfForm } from '../integrations/mail/mailgun-inbound';
import { signatureOf, signatureValid, timestampFresh, type MailgunSignature } from '../integrations/mail/mailgun-signature';
import { storageFor } from '../integrations/storage/storage';
import { MAX_ATTACHMENTS_BYTES } from '../services/messages/attachments';
import { recordDeliveryEvent } from '../services/messages/delivery-events';
import { receiveReply } from '../services/messages/inbound';

export const MAILGUN_WEBHOOK_PATH = '/webhooks/mailgun';

/** An event is a few kilobytes. */
const EVENT_BODY_LIMIT = '256kb';
/** A reply's attachments (at most 25 MB kept, as Mailgun's own message limit) plus its text, with room to spare. */
const INBOUND_BODY_LIMIT = MAX_ATTACHMENTS_BYTES + 8 * 1024 * 1024;

type Refusal = { status: number; error: string };

/**
 * Mailgun retries a post that did not get a 2xx (a route's forward: unless it got 406), so the answers are: 401 for
 * a post that is not Mailgun's (unsigned, forged, stale, replayed), 503 while no signing key is set, 200 for
 * everything Mailgun need not send again.
 */
function refusalOf(key: string | null, signature: MailgunSignature | null, now: Date): Refusal | null {
  if (!key) return { status: 503, error: 'Mailgun webhooks are not configured: MAILGUN_WEBHOOK_SIGNING_KEY is not set' };
  if (!signature) return { status: 401, error: 'unsigned' };
  if (!signatureValid(key, signature)) return { status: 401, error: 'invalid signature' };
  if (!timestampFresh(signature.timestamp, now)) return { status: 401, error: 'stale or future timestamp' };
  return null;
}

const REPLAYED: Refusal = { status: 401, error: 'replayed: this signature was used before' };

function send(res: Response, { status, error }: Refusal): void {
  res.status(status).json({ error });
}

export function mailgunWebhookRouter(app: AppServices, orm: MikroORM): Router {
  const router = express.Router();
  const key = app.config.mail.webhookSigningKey;
  const deps = { logger: app.logger.child({ webhook: 'mailgun' }), now: () => app.clock.now(), realNow: () => app.realClock.now() };

  router.post('/events', express.json({ limit: EVENT_BODY_LIMIT, type: () => true }), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const signature = signatureOf(body.signature as Record<string, unknown> | undefined);
    const refusal = refusalOf(key, signature, app.realClock.now());
    if (refusal) return send(res, refusal);
    const event = parseMailgunEvent(body['event-data']);
    if (!event) return send(res, { status: 400, error: 'event-data.event is missing' });
    const outcome = await recordDeliveryEvent(orm.em.fork(), deps, signature!.token, event);
    if (outcome === 'replayed') return send(res, REPLAYED);
    res.json({ outcome });
  });

  router.post('/inbound', express.raw({ limit: INBOUND_BODY_LIMIT, type: () => true }), async (req: Request, res: Response) => {
    if (!key) return send(res, refusalOf(key, null, app.realClock.now())!);
    const form = await readForm(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers['content-type']);
    const signature = signatureOfForm(form);
    const refusal = refusalOf(key, signature, app.realClock.now());
    if (refusal) return send(res, refusal);
    const email = await parseInboundEmail(form);
    const outcome = await receiveReply(orm.em.fork(), { ...deps, storage: storageFor(app.config), replyDomain: app.config.mail.replyDomain }, signature!.token, email);
    if (outcome.kind === 'replayed') return send(res, REPLAYED);
    // 406 tells Mailgun not to retry: nobody will ever take replies at this address.
    if (outcome.kind === 'unknown-thread') return send(res, { status: 406, error: 'unknown or revoked reply address' });
    res.json(outcome);
  });

  // Bodies that are too large or not what they claim, and anything unexpected: JSON answers, never a stack trace.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = (error as { status?: number }).status;
    if (error instanceof InboundFormError) return send(res, { status: 400, error: error.message });
    if (status === 413) return send(res, { status: 413, error: 'request body too large' });
    if (typeof status === 'number' && status >= 400 && status < 500) return send(res, { status, error: 'malformed request body' });
    deps.logger.error({ err: error }, 'mailgun webhook failed');
    send(res, { status: 500, error: 'internal error' });
  };
  router.use(onError);
  return router;
}
