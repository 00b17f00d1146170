// The PostgreSQL server process of an embedded cluster: started in a process group of its own, stopped last by
// our shutdown, and what a killed run left behind cleared before a start.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';

export interface PostgresServer {
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /** The `postgres` executable. */
  binary: string;
  /** The data folder (initialised). */
  dir: string;
  /** Arguments after `-D dir`: port and settings. */
  args: string[];
  /** Under root, the system user to run as (PostgreSQL refuses root). */
  runAs: { uid: number; gid: number } | null;
  logger: Logger;
}

const READY = 'database system is ready to accept connections';

/**
 * Starts the server and resolves once it accepts connections. It runs detached, in a process group of its own:
 * Ctrl-C in a terminal signals the whole foreground group, and PostgreSQL would take its SIGINT as a fast shutdown
 * while main.ts still drains requests and jobs (every open connection then fails with "terminating connection due
 * to administrator command"). Our shutdown stops it last; if this process dies without one, the next start
 * clears it (clearLeftovers).
 */
export async function startPostgresServer({ binary, dir, args, runAs, logger }: PostgresServerOptions): Promise<PostgresServer> {
  await clearLeftovers(dir, logger);
  const child = spawn(binary, ['-D', dir, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // English messages, whatever the machine's locale: READY is matched on.
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(runAs ?? {}),
  });
  let output: string | null = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      logger.debug({ component: 'postgres' }, text.trim());
      if (output === null) return;
      output += text;
      if (output.includes(READY)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`PostgreSQL exited with ${code} while starting:\n${output?.trim()}`)));
  });
  // Kept only to explain a failed start.
  output = null;
  fs.writeFileSync(ownerFile(dir), `${process.pid}\n`);
  // The last resort after a crash: a signal to send on the way out, which it then acts on by itself.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  return {
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      fs.rmSync(ownerFile(dir), { force: true });
    },
  };
}

/** Which of our processes runs the cluster in `dir`: beside the data folder, written once it has started. */
const ownerFile = (dir: string) => path.join(dir, '..', 'pg-owner.pid');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a PostgreSQL server of the data folder `dir`, not a process that reuses the pid of one. */
function isPostgresOf(pid: number, dir: string): boolean {
  let command: string;
  try {
    command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    try {
      command = execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return false;
    }
  }
  return /postgres/.test(command) && command.includes(dir);
}

function readPid(file: string): number | null {
  if (!fs.existsSync(file)) return null;
  const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * What a killed run (kill -9, a crash, a closed terminal) leaves behind, cleared before starting. Its postmaster.pid
 * alone (PostgreSQL gone too) would block the start; that is removed. Its PostgreSQL itself, still running without
 * the process that started it, would hold the data folder and the port: it is stopped with a fast shutdown (open
 * transactions roll back; committed data is safe) and started again under this process. A cluster whose process is
 * still alive is another run's: refused, never stopped.
 */
async function clearLeftovers(dir: string, logger: Logger): Promise<void> {
  const postmasterPid = readPid(path.join(dir, 'postmaster.pid'));
  if (postmasterPid === null) return;
  if (!isAlive(postmasterPid) || !isPostgresOf(postmasterPid, dir)) {
    fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true });
    return;
  }
  const owner = readPid(ownerFile(dir));
  if (owner === null || isAlive(owner)) {
    const by = owner === null ? 'a process this one cannot identify' : `process ${owner}`;
    throw new Error(
      `The embedded PostgreSQL in ${dir} (pid ${postmasterPid}) is in use by ${by}: stop that first (another npm start?), or set another DATA_DIR`,
    );
  }
  logger.warn({ pid: postmasterPid, dir }, 'stopping the embedded PostgreSQL left running by a killed run');
  process.kill(postmasterPid, 'SIGINT');
  // PostgreSQL removes its pid file as it exits (the process may linger a moment as a zombie of its new parent).
  for (const deadline = Date.now() + 30_000; fs.existsSync(path.join(dir, 'postmaster.pid')) && isAlive(postmasterPid); ) {
    if (Date.now() > deadline) throw new Error(`The embedded PostgreSQL left running by a killed run (pid ${postmasterPid}) did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
