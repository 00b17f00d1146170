// A Mailgun route's forward of a received email (`forward("<url>")`): a form, multipart when it carries files,
// with the parsed email, its attachments as `attachment-1..N` and the signature fields at the top level.
import { signatureOf, type MailgunSignature } from './mailgun-signature';

export interface InboundAttachment {
  filename: string;
  content: Buffer;
}

/** A received email, in the provider's neutral terms. */
export interface InboundEmail {
  /** The envelope recipient: our reply address. */
  recipient: string | null;
  /** The From header (`Name <address>`), or the envelope sender without one. */
  from: string | null;
  subject: string;
  /** The reply without the quoted text and signature where the provider could strip them, else the whole text. */
  body: string;
  /** Its own Message-Id header. */
  messageId: string | null;
  /** The Message-Id of the email it answers. */
  inReplyTo: string | null;
  attachments: InboundAttachment[];
}

export class InboundFormError extends Error {}

/** Node's own parser (undici) reads both form encodings; the caller bounds the body's size. */
export async function readForm(body: Buffer, contentType: string | undefined): Promise<FormData> {
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(contentType ?? '')) {
    throw new InboundFormError('expected multipart/form-data or application/x-www-form-urlencoded');
  }
  try {
    // A Buffer is a Uint8Array, which Response takes; the DOM typings only miss that its buffer may be shared.
    return await new Response(body as unknown as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType! } }).formData();
  } catch {
    throw new InboundFormError('the form could not be read');
  }
}

/** A field by name, whatever its case (Mailgun passes headers such as Message-Id as fields in their own case). */
function fieldOf(form: FormData, name: string): string | null {
  for (const [key, value] of form as unknown as Iterable<[string, string | File]>) {
    if (key.toLowerCase() === name.toLowerCase() && typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

/** A header from `message-headers` (a JSON list of [name, value] pairs), for one that is not a field of its own. */
function headerOf(form: FormData, name: string): string | null {
  try {
    const headers = JSON.parse(fieldOf(form, 'message-headers') ?? '[]') as unknown;
    if (!Array.isArray(headers)) return null;
    const pair = headers.find((h): h is [string, string] => Array.isArray(h) && String(h[0]).toLowerCase() === name.toLowerCase() && typeof h[1] === 'string');
    return pair ? pair[1] : null;
  } catch {
    return null;
  }
}

export function signatureOfForm(form: FormData): MailgunSignature | null {
  return signatureOf({ timestamp: fieldOf(form, 'timestamp'), token: fieldOf(form, 'token'), signature: fieldOf(form, 'signature') });
}

export async function parseInboundEmail(form: FormData): Promise<InboundEmail> {
  const attachments: InboundAttachment[] = [];
  const files = [...(form as unknown as Iterable<[string, string | File]>)]
    .filter((entry): entry is [string, File] => /^attachment-\d+$/i.test(entry[0]) && typeof entry[1] !== 'string')
    .sort(([a], [b]) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
  for (const [, file] of files) attachments.push({ filename: file.name, content: Buffer.from(await file.arrayBuffer()) });
  const header = (name: string) => fieldOf(form, name) ?? headerOf(form, name);
  return {
    recipient: fieldOf(form, 'recipient'),
    from: fieldOf(form, 'from') ?? fieldOf(form, 'sender'),
    subject: fieldOf(form, 'subject') ?? '',
    body: fieldOf(form, 'stripped-text') ?? fieldOf(form, 'body-plain') ?? '',
    messageId: header('Message-Id'),
    inReplyTo: header('In-Reply-To'),
    attachments,
  };
}
