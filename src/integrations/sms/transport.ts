// What an SMS transport is: it takes one text message and answers with the provider's id, or says why not.

export interface OutgoingSms {
  /** Our sms_messages id, for the log. */
  id: string;
  to: string;
  body: string;
}

export interface SmsTransport {
  readonly name: string;
  send(sms: OutgoingSms): Promise<{ providerId: string }>;
}

/** `temporary`: a network error, a timeout, a 5xx or a 429, worth another try; otherwise the provider refused it. */
export class SmsError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
  ) {
    super(message);
    this.name = 'SmsError';
  }
}
