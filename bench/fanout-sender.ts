// The sending side of bench/fanout: posts the sendMessage mutations of a phase from a process of its own, so the API
// process being measured serves the requests and the sockets but does not also run the requests' HTTP client (in
// production the senders are users' browsers elsewhere). Started by fanout.ts through child_process.fork.
import { gql } from './support';

export type SenderRequest = { type: 'send'; id: number; url: string; token: string; query: string; invoiceIds: string[] };
export type SenderReply = { type: 'sent'; id: number; messageIds: string[] } | { type: 'failed'; id: number; error: string };

const reply = (message: SenderReply) => process.send!(message);

process.on('message', async (request: SenderRequest) => {
  try {
    // All at once, as a burst of users would.
    const messageIds = await Promise.all(
      request.invoiceIds.map(async (invoiceId) => {
        const { sendMessage } = await gql<{ sendMessage: { id: string } }>(request.url, request.query, { t: { type: 'INVOICE', id: invoiceId } }, request.token);
        return sendMessage.id;
      }),
    );
    reply({ type: 'sent', id: request.id, messageIds });
  } catch (error) {
    reply({ type: 'failed', id: request.id, error: String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
