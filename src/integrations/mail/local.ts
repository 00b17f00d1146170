// The transport without a provider: the rendered email is stored in the database (local_emails) and logged.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../logger';
import { LocalEmail } from '../../entities/LocalEmail';
import type { MailTransport, OutgoingEmail } from './transport';

export function localTransport(orm: MikroORM, logger: Logger): MailTransport {
  return {
    name: 'local',
    async send(email: OutgoingEmail) {
      const em = orm.em.fork();
      const stored = em.create(LocalEmail, {
        administration: email.administrationId,
        message: email.messageId,
        from: email.from,
        to: email.to,
        cc: email.cc,
        bcc: email.bcc,
        replyTo: email.replyTo,
        subject: email.subject,
        text: email.text,
        html: email.html,
        tags: email.tags,
        attachments: email.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
      });
      await em.flush();
      logger.info(
        { messageId: email.messageId, to: email.to, cc: email.cc, bcc: email.bcc, subject: email.subject, localEmailId: stored.id, text: email.text },
        'email kept locally (no Mailgun configured)',
      );
      return { providerMessageId: `<${stored.id}@local>` };
    },
  };
}
