// What the crash tests stand on: a fresh database with an API process and a worker process, a direct connection
// to look into it, and tenants a and b; workers can be killed and started again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTenants, type Tenants } from './actors';
import { createTestDatabase } from './database';
import { startServerProcess, type ServerProcess } from './process';

export interface Cluster {
  env: Record<string, string>;
  api: ServerProcess;
  /** Every worker started, the first one first; killed ones stay in the list. */
  workers: ServerProcess[];
  db: Client;
  t: Tenants;
  startWorker(): Promise<ServerProcess>;
  stop(): Promise<void>;
}

/** `env` adds to (or overrides) what every process needs: its database, secrets and data directory. */
export async function startCluster(label: string, env: Record<string, string>): Promise<Cluster> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `credit-${label}-`));
  const all = {
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    OUTBOX_POLL_MS: '100',
    ...env,
  };
  const api = await startServerProcess('api', all);
  const workers = [await startServerProcess('worker', all)];
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const t = await createTenants(api);
  return {
    env: all,
    api,
    workers,
    db,
    t,
    async startWorker() {
      const worker = await startServerProcess('worker', all);
      workers.push(worker);
      return worker;
    },
    async stop() {
      await db.end();
      await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
