// The Mailgun transport: mailgun.js `messages.create` against MAILGUN_URL.
import FormData from 'form-data';
import type MailgunClass from 'mailgun.js' with { 'resolution-mode': 'import' };
import type { MailSettings } from '../../config';
import { MailError, type MailTransport, type OutgoingEmail } from './transport';

type MailgunSettings = NonNullable<MailSettings['mailgun']>;

// The package is ESM by its package.json but ships a CommonJS build, which `require` loads (its `static default`
// getter makes the class its own default export).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mailgun = require('mailgun.js') as typeof MailgunClass;

// mailgun.js turns a request that got no answer (refused, reset, timed out) into an error with status 400
// and the socket's error code (ECONNREFUSED, ECONNABORTED, ERR_NETWORK...) as its message, so that message is
// what tells "never reached Mailgun" apart from Mailgun's own 400.
const NETWORK_CODE = /^(E[A-Z0-9_]+|ERR_[A-Z0-9_]+)$/;

interface MailgunApiError {
  status?: number;
  message?: string;
  details?: string;
}

export function classify(error: unknown): MailError {
  const { status, message, details } = (error ?? {}) as MailgunApiError;
  const text = details && details !== message ? [message, details].filter(Boolean).join(': ') : message || details || String(error);
  if (typeof status !== 'number' || NETWORK_CODE.test(message ?? '')) return new MailError(`Mailgun could not be reached: ${text}`, true, null);
  if (status >= 500 || status === 429) return new MailError(`Mailgun answered ${status}: ${text}`, true, status);
  return new MailError(`Mailgun refused the email (${status}): ${text}`, false, status);
}

export function mailgunTransport(settings: MailgunSettings, timeoutMs: number): MailTransport {
  const client = new Mailgun(FormData).client({ username: 'api', key: settings.apiKey, url: settings.url, timeout: timeoutMs });
  return {
    name: 'mailgun',
    async send(email: OutgoingEmail) {
      let answer: { id?: string; message?: string; status?: number };
      try {
        answer = await client.messages.create(settings.domain, {
          from: email.from,
          to: email.to,
          ...(email.cc.length > 0 ? { cc: email.cc } : {}),
          ...(email.bcc.length > 0 ? { bcc: email.bcc } : {}),
          subject: email.subject,
          text: email.text,
          html: email.html,
          'h:Reply-To': email.replyTo,
          'o:tag': email.tags,
          'v:message-id': email.messageId,
          ...(email.attachments.length > 0
            ? {
                attachment: email.attachments.map((a) => ({ data: a.open(), filename: a.filename, contentType: a.contentType, knownLength: a.size })),
              }
            : {}),
        });
      } catch (error) {
        throw classify(error);
      }
      if (!answer.id) throw new MailError(`Mailgun accepted the email without an id: ${answer.message ?? 'no message'}`, false, answer.status ?? null);
      return { providerMessageId: answer.id };
    },
  };
}
