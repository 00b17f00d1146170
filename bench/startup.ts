// Start-up benchmark: the real `npm start` in a temporary copy of the checkout (its own dist/ and .data/, the
// project's node_modules linked in), timed from the command to the first 200 of GET /readyz on the embedded
// PostgreSQL: a first start (compile + initdb), restarts with unchanged sources, and a restart after an edit.
// Run with `npm run bench:startup`; BENCH_RESTARTS sets the number of unchanged restarts (default 3), and
// BENCH_CHECKOUT another checkout to measure (an older commit, say, with its node_modules) for a before and after.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './support';

const ROOT = path.resolve(process.env.BENCH_CHECKOUT ?? path.join(__dirname, '..', '..'));
const RESTARTS = Number(process.env.BENCH_RESTARTS ?? 3);
// What `npm start` reads: the sources, the build configuration and the build script.
const COPIED = ['src', 'tools', 'package.json', 'package-lock.json', 'tsconfig.json', '.swcrc'];
const EDITED = path.join('src', 'runtime.ts');
const GOAL_FIRST_MS = 20_000;
const GOAL_RESTART_MS = 3_000;


function makeCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-startup-'));
  for (const entry of COPIED) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

interface Start {
  readyMs: number;
  /** CPU time of npm and the processes it started (not PostgreSQL, which runs in its own group) until ready. */
  cpuMs: number | null;
  stopMs: number;
}

/**
 * User and system time of every process in the group, with their waited-for children (the compile), from /proc
 * (Linux; null elsewhere). Unlike the wall time, it hardly depends on what else the machine is doing.
 */
function groupCpuMs(groupId: number): number | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // Fields after the command name: state, ppid, pgrp, ..., utime, stime, cutime, cstime (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === groupId) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  // USER_HZ is 100 on Linux.
  return ticks * 10;
}

/** `npm start` in `dir` until /readyz answers 200, then Ctrl-C as a terminal sends it (SIGINT to the process group). */
async function timeStart(dir: string, pgPort: number): Promise<Start> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', EMBEDDED_PG_PORT: String(pgPort), LOG_FORMAT: 'json' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  delete env.LOG_LEVEL;
  const started = performance.now();
  const child = spawn('npm', ['start'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (performance.now() - started > 120_000) throw new Error(`not ready after 120 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    throw error;
  }
  const readyMs = performance.now() - started;
  const cpuMs = groupCpuMs(child.pid!);
  const stopping = performance.now();
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  return { readyMs, cpuMs, stopMs: performance.now() - stopping };
}

function row(label: string, { readyMs, cpuMs }: Start, goalMs?: number): void {
  const goal = goalMs === undefined ? '' : `goal < ${goalMs} ms: ${readyMs < goalMs ? 'met' : 'MISSED'}`;
  const cpu = cpuMs === null ? '' : `(CPU ${cpuMs} ms)`;
  console.log(`${label.padEnd(44)} ${String(Math.round(readyMs)).padStart(6)} ms ${cpu.padEnd(16)} ${goal}`);
}

async function main(): Promise<void> {
  const dir = makeCopy();
  const pgPort = await freePort();
  console.log(`npm start in ${dir} (embedded PostgreSQL on port ${pgPort}), ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
  try {
    const first = await timeStart(dir, pgPort);
    row('first start (compile, initdb, migrations)', first, GOAL_FIRST_MS);
    const restarts: number[] = [];
    for (let i = 1; i <= RESTARTS; i += 1) {
      const restart = await timeStart(dir, pgPort);
      restarts.push(restart.readyMs);
      row(`restart ${i}, sources unchanged`, restart, GOAL_RESTART_MS);
    }
    // A real edit, not only a newer mtime: the restart must compile it into dist/.
    const marker = `// edited by bench/startup at ${Date.now()}`;
    fs.appendFileSync(path.join(dir, EDITED), `${marker}\n`);
    const edited = await timeStart(dir, pgPort);
    row(`restart after editing ${EDITED}`, edited);
    const compiled = fs.readFileSync(path.join(dir, 'dist', 'runtime.js'), 'utf8').includes(marker);
    console.log(`dist/runtime.js carries the edit: ${compiled ? 'yes' : 'NO (stale build)'}`);
    const sorted = [...restarts].sort((a, b) => a - b);
    console.log(`restarts: median ${Math.round(sorted[Math.floor(sorted.length / 2)])} ms; stop (Ctrl-C) took ${Math.round(edited.stopMs)} ms`);
    if (!compiled) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
