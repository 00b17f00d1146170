// Mailgun's delivery events (the `event-data` of its JSON webhook), read into what our messages need to know.

/** What happened to a sent email, in the provider's neutral terms. */
export interface DeliveryEvent {
  kind: 'delivered' | 'opened' | 'failed' | 'other';
  /** The provider's own name of the event, for the log. */
  name: string;
  /** A failure the provider will not retry (a bounce, a suppressed address); a temporary one it retries itself. */
  permanent: boolean;
  /** Our message id, as the email carried it (Mailgun's `v:message-id` user variable). */
  messageId: string | null;
  /** The provider's id of the email, as it answered when the email was sent, without angle brackets. */
  providerMessageId: string | null;
  recipient: string | null;
  occurredAt: Date | null;
  /** Why a failure failed, as the provider explains it. */
  reason: string | null;
}

type Json = Record<string, unknown>;

const objectOf = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const textOf = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null);

/** Mailgun answers a send with `<id@domain>` and names it `id@domain` in events: one form for comparing. */
export function bareMessageId(id: string | null | undefined): string | null {
  const bare = id?.trim().replace(/^<(.*)>$/, '$1').trim();
  return bare ? bare : null;
}

function reasonOf(data: Json): string | null {
  const status = objectOf(data['delivery-status']);
  const explanation = [textOf(status.code), textOf(status.description) ?? textOf(status.message)].filter(Boolean).join(' ');
  const reason = explanation || textOf(data.reason);
  const recipient = textOf(data.recipient);
  if (!reason) return recipient ? `${recipient}: the email could not be delivered` : null;
  return (recipient ? `${recipient}: ${reason}` : reason).slice(0, 1000);
}

export function parseMailgunEvent(eventData: unknown): DeliveryEvent | null {
  const data = objectOf(eventData);
  const name = textOf(data.event);
  if (!name) return null;
  const kind = name === 'delivered' || name === 'opened' || name === 'failed' ? name : 'other';
  const timestamp = typeof data.timestamp === 'number' ? data.timestamp : Number(textOf(data.timestamp));
  return {
    kind,
    name,
    permanent: kind === 'failed' && data.severity === 'permanent',
    messageId: textOf(objectOf(data['user-variables'])['message-id']),
    providerMessageId: bareMessageId(textOf(objectOf(objectOf(data.message).headers)['message-id'])),
    recipient: textOf(data.recipient),
    occurredAt: Number.isFinite(timestamp) && timestamp > 0 ? new Date(Math.round(timestamp * 1000)) : null,
    reason: kind === 'failed' ? reasonOf(data) : null,
  };
}
