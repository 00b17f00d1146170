// The commit clock of bench/fanout: a process that does nothing but LISTEN on the live-event channel, so the moment
// a message's NOTIFY reaches it (PostgreSQL sends it at commit) is its commit time, unskewed by a busy event loop.
// Reports [message id, epoch ms] pairs to the parent in batches.
import { Client } from 'pg';

const FLUSH_MS = 50;

async function main(): Promise<void> {
  const client = new Client({ connectionString: process.argv[2] });
  await client.connect();
  let pending: [string, number][] = [];
  client.on('notification', (notification) => {
    const at = Date.now();
    const event = JSON.parse(notification.payload ?? '{}') as { topic?: string; ids?: string[] };
    if (event.topic === 'MESSAGE_ADDED') for (const id of event.ids ?? []) pending.push([id, at]);
  });
  await client.query('listen credit_events');
  setInterval(() => {
    if (pending.length === 0) return;
    process.send!({ type: 'commits', commits: pending });
    pending = [];
  }, FLUSH_MS);
  process.send!({ type: 'ready' });
  process.on('disconnect', () => void client.end().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
