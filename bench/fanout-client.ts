// One client process of bench/fanout: opens its share of graphql-ws connections (the graphql-transport-ws protocol
// over plain `ws`, so that the client side stays light), subscribes each to messageAdded of one administration, and
// reports every delivery's latency to the parent in batches. Started by fanout.ts through child_process.fork.
import WebSocket from 'ws';

interface Start {
  type: 'start';
  /** The server, the administration and the user's token of each connection this process opens. */
  connections: [wsUrl: string, administrationId: string, token: string][];
}

export type ClientReport =
  | { type: 'ready'; connections: number }
  /** When each message reached a connection (epoch ms), and the administration that connection subscribed to. */
  | { type: 'deliveries'; deliveries: [messageId: string, administrationId: string, receivedAt: number][] }
  | { type: 'failed'; error: string };

const QUERY = 'subscription ($a: ID!) { messageAdded(administrationId: $a) { id subject createdAt } }';
const OPENING_AT_ONCE = 100;
const FLUSH_MS = 50;

const send = (report: ClientReport) => process.send!(report);
let pending: [string, string, number][] = [];

function open(wsUrl: string, token: string, administrationId: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (raw: Buffer) => {
      const receivedAt = Date.now();
      const message = JSON.parse(raw.toString()) as { type: string; payload?: { data?: { messageAdded: { id: string } }; errors?: unknown } };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: QUERY, variables: { a: administrationId } } }));
        resolve(socket);
      } else if (message.type === 'next' && message.payload?.data) {
        pending.push([message.payload.data.messageAdded.id, administrationId, receivedAt]);
      } else if (message.type === 'next' || message.type === 'error') {
        send({ type: 'failed', error: JSON.stringify(message.payload) });
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
    socket.on('error', reject);
    socket.on('close', (code, reason) => {
      if (code !== 1000) send({ type: 'failed', error: `socket closed ${code} ${reason.toString()}` });
    });
  });
}

process.on('message', async (start: Start) => {
  try {
    const sockets: WebSocket[] = [];
    for (let i = 0; i < start.connections.length; i += OPENING_AT_ONCE) {
      sockets.push(...(await Promise.all(start.connections.slice(i, i + OPENING_AT_ONCE).map(([wsUrl, a, token]) => open(wsUrl, token, a)))));
    }
    setInterval(() => {
      if (pending.length === 0) return;
      send({ type: 'deliveries', deliveries: pending });
      pending = [];
    }, FLUSH_MS);
    send({ type: 'ready', connections: sockets.length });
    process.on('disconnect', () => process.exit(0));
  } catch (error) {
    send({ type: 'failed', error: String(error) });
  }
});
