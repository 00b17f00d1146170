// The running process: health checks, WebSocket authentication, Agenda jobs and the schema matching the migrations.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signUp } from './support/actors';
import { startTestServer, type TestServer } from './support/server';
import { PURGE_RATE_LIMITS } from '../src/jobs/maintenance';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    const base = server.url.replace(/\/graphql$/, '');
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: 'up', migrations: 'up', events: 'up' } });
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('graphql-ws', () => {
  /** Resolves with how the server answered the connection: acknowledged, or closed with a code. */
  function connect(connectionParams: Record<string, unknown> | undefined): Promise<{ acked: boolean; closeCode?: number }> {
    return new Promise((resolve) => {
      const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams, lazy: false, retryAttempts: 0, onNonLazyError: () => undefined });
      client.on('connected', () => {
        resolve({ acked: true });
        void client.dispose();
      });
      client.on('closed', (event) => resolve({ acked: false, closeCode: (event as { code: number }).code }));
    });
  }

  it('acknowledges a connection whose connection_init carries a valid token', async () => {
    const user = await signUp(server, 'ws');
    expect(await connect({ authorization: `Bearer ${user.token}` })).toEqual({ acked: true });
  });

  it('refuses a connection without a token, or with a bad one, before any subscription (4403)', async () => {
    expect(await connect(undefined)).toEqual({ acked: false, closeCode: 4403 });
    expect(await connect({ authorization: 'Bearer forged.token.value' })).toEqual({ acked: false, closeCode: 4403 });
    expect(await connect({ authorization: 'Basic dXNlcjpwYXNz' })).toEqual({ acked: false, closeCode: 4403 });
  });
});

describe('Agenda', () => {
  it('runs a scheduled job in the worker (expired rate-limit counters are purged)', async () => {
    const connection = server.runtime.orm.em.getConnection();
    const old = new Date(server.clock.now().getTime() - 3 * 86_400_000).toISOString();
    await connection.execute(`insert into rate_limit_counters (key, window_start, hits) values ('test:old', ?, 3), ('test:fresh', ?, 1)`, [
      old,
      server.clock.now().toISOString(),
    ]);
    const done = new Promise<void>((resolve) => server.runtime.agenda!.once(`complete:${PURGE_RATE_LIMITS}`, () => resolve()));
    await server.runtime.agenda!.now(PURGE_RATE_LIMITS, {});
    await done;
    const keys = await connection.execute(`select key from rate_limit_counters where key like 'test:%' order by key`);
    expect(keys).toEqual([{ key: 'test:fresh' }]);
    const [job] = await connection.execute(`select count(*)::int as n from agenda_jobs where name = ? and last_finished_at is not null`, [PURGE_RATE_LIMITS]);
    expect(job.n).toBeGreaterThanOrEqual(1);
  });
});

describe('migrations', () => {
  it('leave the database exactly as the entities describe it', async () => {
    const diff = await server.runtime.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });
});
