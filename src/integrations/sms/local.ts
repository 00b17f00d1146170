// The transport without a provider: the text is written to the log (for development; nothing reaches a phone).
import type { Logger } from '../../logger';
import type { OutgoingSms, SmsTransport } from './transport';

export function localSmsTransport(logger: Logger): SmsTransport {
  return {
    name: 'local',
    async send(sms: OutgoingSms) {
      logger.info({ smsId: sms.id, to: sms.to, text: sms.body }, 'SMS kept locally (no Twilio configured)');
      return { providerId: `local-${sms.id}` };
    },
  };
}
