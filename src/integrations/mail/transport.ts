// What a mail transport is: it takes one rendered email and answers with the provider's id, or says why not.
import type { Readable } from 'node:stream';

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Opened when the email is sent, so a large attachment is streamed rather than held in memory. */
  open(): Readable;
}

export interface OutgoingEmail {
  administrationId: string;
  /** Our message id: Mailgun carries it back in its events as the `message-id` user variable. */
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  tags: string[];
  attachments: OutgoingAttachment[];
}

export interface MailTransport {
  readonly name: string;
  /** Resolves with the provider's id of the accepted email; throws a MailError when it was not accepted. */
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
}

/**
 * `temporary`: a network error, a timeout, a 5xx or a 429; the same email may be accepted later, so it is
 * retried. Otherwise the provider refused this email (a 4xx) and trying again would only be refused again.
 */
export class MailError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'MailError';
  }
}
