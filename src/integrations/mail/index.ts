// Picks the mail transport from the settings: Mailgun when it is configured, otherwise the local one.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { MailSettings } from '../../config';
import type { Logger } from '../../logger';
import { localTransport } from './local';
import { mailgunTransport } from './mailgun';
import type { MailTransport } from './transport';

export type { MailTransport, OutgoingAttachment, OutgoingEmail } from './transport';
export { MailError } from './transport';

export function createMailTransport(settings: MailSettings, orm: MikroORM, logger: Logger): MailTransport {
  return settings.mailgun ? mailgunTransport(settings.mailgun, settings.timeoutMs) : localTransport(orm, logger);
}
