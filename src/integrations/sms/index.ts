// The SMS transport the settings ask for: Twilio when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are
// set, otherwise the local one.
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { localSmsTransport } from './local';
import type { SmsTransport } from './transport';
import { twilioTransport } from './twilio';

export function createSmsTransport(config: Config, logger: Logger): SmsTransport {
  return config.twilio ? twilioTransport(config.twilio) : localSmsTransport(logger);
}
