// SMS through Twilio's Messages API with the official client. TWILIO_API_URL replaces https://api.twilio.com (a
// fake in tests): the client has no base-URL option, so a custom httpClient rewrites each request's uri.
import twilio from 'twilio';
import type { TwilioSettings } from '../../config';
import { SmsError, type OutgoingSms, type SmsTransport } from './transport';

const TWILIO_API = 'https://api.twilio.com';

export function twilioTransport(settings: TwilioSettings): SmsTransport {
  const requests = new twilio.RequestClient({ timeout: 15_000 });
  const httpClient = Object.create(requests) as typeof requests;
  httpClient.request = (opts) => requests.request({ ...opts, uri: opts.uri.replace(TWILIO_API, settings.apiUrl) });
  const client = twilio(settings.accountSid, settings.authToken, { httpClient });
  return {
    name: 'twilio',
    async send(sms: OutgoingSms) {
      try {
        const message = await client.messages.create({ to: sms.to, from: settings.from, body: sms.body });
        return { providerId: message.sid };
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        // The client throws a RestException with the HTTP status for an answer, anything else for no answer.
        if (typeof status === 'number') throw new SmsError(`Twilio answered ${status}: ${(error as Error).message}`, status >= 500 || status === 429);
        throw new SmsError(`Twilio could not be reached: ${(error as Error).message}`, true);
      }
    },
  };
}
