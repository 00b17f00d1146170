// Mailgun's webhook posts as Mailgun sends them: signed JSON delivery events and a route's form-encoded forward of a
// reply, signed with HMAC-SHA256(key, timestamp + token) here, independently of the server's own code.
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/clock';
import { MessageDocument, SendMessageDocument, type SendMessageInput } from '../generated/graphql';
import type { FakeMailgun } from './fake-mailgun';
import type { TestServer } from './server';

export const WEBHOOK_KEY = 'key-webhook-signing-0123456789abcdef';

export interface Signature {
  timestamp: string;
  token: string;
  signature: string;
}

export interface SignOptions {
  key?: string;
  /** Seconds since the epoch; the clock's now by default. */
  timestamp?: number;
  token?: string;
}

export function sign(clock: Clock, options: SignOptions = {}): Signature {
  const timestamp = String(options.timestamp ?? Math.floor(clock.now().getTime() / 1000));
  const token = options.token ?? randomBytes(25).toString('hex');
  const signature = createHmac('sha256', options.key ?? WEBHOOK_KEY).update(timestamp + token).digest('hex');
  return { timestamp, token, signature };
}

export interface EventOptions {
  /** Our message id (`v:message-id`); leave out to make Mailgun's header id the only link. */
  messageId?: string | null;
  /** Mailgun's id as its API answered the send (`<...>`); events carry it without the brackets. */
  providerId?: string | null;
  recipient?: string;
  /** Seconds since the epoch of the event itself. */
  at?: number;
  severity?: 'permanent' | 'temporary';
  reason?: string;
  deliveryStatus?: Record<string, unknown>;
}

/** An `event-data` object in the shape of Mailgun's webhook payloads. */
export function eventData(event: string, options: EventOptions = {}): Record<string, unknown> {
  return {
    event,
    id: randomBytes(11).toString('base64url'),
    timestamp: options.at ?? 1772445600.123456,
    'log-level': event === 'failed' ? (options.severity === 'permanent' ? 'error' : 'warn') : 'info',
    recipient: options.recipient ?? 'd1@example.test',
    'recipient-domain': (options.recipient ?? 'd1@example.test').split('@')[1],
    ...(options.severity ? { severity: options.severity, reason: options.reason ?? 'bounce' } : {}),
    ...(options.deliveryStatus ? { 'delivery-status': options.deliveryStatus } : {}),
    envelope: { sender: 'bounce@mg.example.test', transport: 'smtp', targets: options.recipient ?? 'd1@example.test' },
    message: { headers: { 'message-id': options.providerId ? options.providerId.replace(/^<|>$/g, '') : undefined, to: options.recipient, subject: 'About' } },
    'user-variables': options.messageId ? { 'message-id': options.messageId } : {},
    tags: ['message'],
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface InboundFile {
  name: string;
  content: Buffer | string;
  type?: string;
}

/**
 * A route's forward: urlencoded without files, multipart with them (as Mailgun does), with the signature fields
 * among the email's fields.
 */
export async function postInbound(
  url: string,
  fields: Record<string, string>,
  signature: Signature | null,
  files: InboundFile[] = [],
): Promise<{ status: number; body: Record<string, unknown> }> {
  const all = { ...fields, ...(signature ?? {}), 'attachment-count': String(files.length) };
  let response: Response;
  if (files.length === 0) {
    response = await fetch(url, { method: 'POST', body: new URLSearchParams(all) });
  } else {
    const form = new FormData();
    for (const [name, value] of Object.entries(all)) form.append(name, value);
    files.forEach((file, i) => {
      const bytes = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
      form.append(`attachment-${i + 1}`, new Blob([new Uint8Array(bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
    });
    response = await fetch(url, { method: 'POST', body: form });
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: response.status, body: { text } };
  }
}

/** The fields of a reply as a Mailgun route forwards them. */
export function replyFields(recipient: string, overrides: Record<string, string> = {}): Record<string, string> {
  const messageId = `<CAF${randomBytes(8).toString('hex')}@mail.example.test>`;
  return {
    recipient,
    sender: 'd1@example.test',
    from: 'Jan Jansen <d1@example.test>',
    subject: 'Re: About 2026-0001',
    'body-plain': 'We paid yesterday.\n\nKind regards,\nJan\n\n> On Monday you wrote:\n> Please pay.',
    'stripped-text': 'We paid yesterday.',
    'stripped-signature': 'Kind regards,\nJan',
    'Message-Id': messageId,
    'message-headers': JSON.stringify([
      ['From', 'Jan Jansen <d1@example.test>'],
      ['Message-Id', messageId],
    ]),
    ...overrides,
  };
}

/** A message sent through the API and accepted by the fake Mailgun: our id, Mailgun's id and its reply address. */
export interface SentMessage {
  id: string;
  providerId: string;
  replyTo: string;
}

/** sendMessage, then waits until the fake Mailgun accepted it and the message is SENT. */
export async function sendAndWait(server: TestServer, fake: FakeMailgun, token: string, input: SendMessageInput): Promise<SentMessage> {
  const result = await server.gql(SendMessageDocument, { input }, { token });
  if (!result.data) throw new Error(`sendMessage failed: ${JSON.stringify(result.errors)}`);
  const { id } = result.data.sendMessage;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const email = fake.accepted.find((e) => e.messageId === id);
    const status = (await server.gql(MessageDocument, { id }, { token })).data?.message?.status;
    if (email && status === 'SENT') return { id, providerId: email.id, replyTo: email.field('h:Reply-To')! };
    if (Date.now() > deadline) throw new Error(`message ${id} was not sent (status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
