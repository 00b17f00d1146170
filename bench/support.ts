// Shared pieces of the benchmarks: a scratch database, a real server process, GraphQL calls, memory figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { once } from 'node:events';
import { Session } from 'node:inspector/promises';
import { Client } from 'pg';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER_DATABASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The q-quantile (0.5, 0.99) of latencies sorted ascending. */
export function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Peak resident memory of a process, from the kernel's high-water mark (Linux). */
export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/**
 * CPU seconds the whole machine has spent (user and system, every process: the database's backends as well as
 * ours), from /proc/stat. A figure of work done that the other tenants of a shared machine disturb less than wall time.
 */
export function machineCpuSeconds(): number {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  // user, nice, system, idle, iowait, irq, softirq, steal: all but idle, iowait and steal are work; ticks of 1/100 s.
  const [user, nice, system, , , irq, softirq] = fields.map(Number);
  return (user + nice + system + irq + softirq) / 100;
}

/** A fresh database on the bench PostgreSQL; drop() removes it. */
export async function scratchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `credit_bench_${label}_${process.pid}`;
  const admin = new Client({ connectionString: SERVER_DATABASE });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  return {
    url: Object.assign(new URL(SERVER_DATABASE), { pathname: `/${name}` }).toString(),
    async drop() {
      // BENCH_KEEP_DATABASE=1 leaves it for a look afterwards (drop it by hand).
      if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${name}`);
      else await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export interface Process {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

/** Starts `node <script> [...args]` with PORT set, and waits until `readyPath` answers 200. */
export async function startProcess(script: string, args: string[], env: Record<string, string>, readyPath = '/readyz', nodeArgs: string[] = []): Promise<Process> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries += 1) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (await fetch(`${base}${readyPath}`).then((r) => r.ok, () => false)) break;
    if (tries > 600) throw new Error(`${script} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    base,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The real server (API and worker in one process) on a database of its own. */
export function serverEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  };
}

export function startServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<Process> {
  return startProcess(path.join(ROOT, 'dist', 'main.js'), ['all'], env, '/readyz', nodeArgs);
}

export async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Signs a user up and creates an administration; returns the user's token and the administration id. */
export async function tenant(url: string, label: string): Promise<{ token: string; administrationId: string }> {
  const { signUp } = await gql<{ signUp: { token: string } }>(url, 'mutation ($i: SignUpInput!) { signUp(input: $i) { token } }', {
    i: { email: `bench-${label}-${process.pid}@example.test`, password: 'bench password 42', name: 'Bench' },
  });
  const { createAdministration } = await gql<{ createAdministration: { id: string } }>(url, 'mutation { createAdministration(name: "Bench BV") { id } }', {}, signUp.token);
  return { token: signUp.token, administrationId: createAdministration.id };
}

/** BENCH_CPU_PROF=1: profiles this process until stop(name), written to profiles/<name>.cpuprofile. */
export async function startProfile(): Promise<{ stop(name: string): Promise<void> } | null> {
  if (process.env.BENCH_CPU_PROF !== '1') return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(path.join(ROOT, 'profiles'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'profiles', `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}
