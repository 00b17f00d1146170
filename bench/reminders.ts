// Reminder benchmark: 1,000 administrations, 1,000,000 open invoices over 200,000 debtors, due dates spread over the
// last 90 days. The daily run of every administration is started and executed by the server's own services in this
// process (as many at a time as a worker does: REMINDER_RUN_CONCURRENCY, default 3), with the outbox mail transport
// and no worker delivering meanwhile, so the figure is the runs' own: selecting, writing the emails and their
// delivery jobs, opening cases. Then every administration runs again the same day (which must send nothing), and the
// plan of the selecting query is printed.
//
// Needs a PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Run with `npm run bench:reminders` (BENCH_ADMINISTRATIONS and BENCH_INVOICES_PER_ADMINISTRATION scale it down; BENCH_CPU_PROF=1
// writes a CPU profile of this process during the daily run to profiles/reminders-daily-run.cpuprofile).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROOT, machineCpuSeconds, peakRssMb, scratchDatabase, serverEnv, startProfile, startServer } from './support';

// The server's own default flow and selecting query, from its build (benches compile apart from src/).
interface StepSpec { key: string; name: string; daysAfterDue: number; action: string; appliesTo: string; subject: string; body: string }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DEFAULT_REMINDER_FLOW } = require(path.join(ROOT, 'dist', 'domain', 'default-reminder-flow.js')) as { DEFAULT_REMINDER_FLOW: StepSpec[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUE_STEPS_SQL } = require(path.join(ROOT, 'dist', 'services', 'reminders', 'planned-steps.js')) as { DUE_STEPS_SQL: string };

const ADMINISTRATIONS = Number(process.env.BENCH_ADMINISTRATIONS ?? 1000);
const INVOICES_PER_ADMINISTRATION = Number(process.env.BENCH_INVOICES_PER_ADMINISTRATION ?? 1000);
const DEBTORS_PER_ADMINISTRATION = Math.max(1, Math.round(INVOICES_PER_ADMINISTRATION / 5));

/** Administrations with the default flow and a run time that has passed, debtors (one in five private), invoices. */
async function populate(db: Client): Promise<void> {
  const flow = DEFAULT_REMINDER_FLOW.map((s, position) => ({ position, key: s.key, name: s.name, days: s.daysAfterDue, action: s.action, applies_to: s.appliesTo, subject: s.subject, body: s.body }));
  await db.query(
    `insert into administrations (id, name, created_at) select gen_random_uuid(), 'Bench ' || n, now() from generate_series(1, $1) n`,
    [ADMINISTRATIONS],
  );
  await db.query(`insert into administration_settings (administration_id, reminder_run_time) select id, '00:00' from administrations`);
  await db.query(
    `insert into reminder_steps (id, administration_id, position, key, name, days_after_due, action, applies_to, subject, body)
     select gen_random_uuid(), a.id, s.position, s.key, s.name, s.days, s.action::reminder_action, s.applies_to::debtor_scope, s.subject, s.body
       from administrations a cross join jsonb_to_recordset($1::jsonb) as s(position int, key text, name text, days int, action text, applies_to text, subject text, body text)`,
    [JSON.stringify(flow)],
  );
  await db.query(
    `insert into debtors (id, administration_id, external_id, name, type, email, created_at, updated_at)
     select gen_random_uuid(), a.id, 'D' || d, 'Debtor ' || d, (case when d % 5 = 0 then 'PRIVATE' else 'BUSINESS' end)::debtor_type,
            'd' || d || '@example.test', now(), now()
       from administrations a cross join generate_series(0, $1 - 1) d`,
    [DEBTORS_PER_ADMINISTRATION],
  );
  // Due dates spread evenly over the last 90 days (today in Amsterdam): every step of the flow is reached by some.
  await db.query(
    `insert into invoices (id, administration_id, debtor_id, external_id, number, issue_date, due_date, amount, open_amount, bookkeeping_open_amount, currency, created_at, updated_at)
     select gen_random_uuid(), d.administration_id, d.id, 'I' || d.external_id || '-' || k, 'F-' || d.external_id || '-' || k,
            today - 120, today - ((hashtext(d.id::text || k) & 65535) % 90), 12100, 12100, 12100, 'EUR', now(), now()
       from debtors d cross join generate_series(1, $1) k, (select (now() at time zone 'Europe/Amsterdam')::date as today) t`,
    [INVOICES_PER_ADMINISTRATION / DEBTORS_PER_ADMINISTRATION],
  );
  // Only the tables filled here: an ANALYZE of an empty table records it as empty, and this machine's PostgreSQL runs
  // without autovacuum, so nothing would correct that while the runs fill it; a cached plan of a foreign-key check
  // (cases, say) would then scan the growing table sequentially for every row. A new database has no statistics,
  // and the planner then assumes a table of some size instead of an empty one.
  await db.query('analyze administrations, administration_settings, reminder_steps, debtors, invoices');
  // The data's writing is flushed before the runs, so its checkpoint does not land in their time.
  await db.query('checkpoint');
}

interface Totals {
  failed: number;
  selected: number;
  messages: number;
  cases: number;
  longest: number;
}

/** What the runs created since `since` did. */
async function totals(db: Client, since: Date): Promise<Totals> {
  const { rows } = await db.query(
    `select count(*) filter (where status = 'FAILED')::int as failed,
            coalesce(sum(invoices_selected), 0)::int as selected, coalesce(sum(messages_queued), 0)::int as messages, coalesce(sum(cases_opened), 0)::int as cases,
            coalesce(extract(epoch from max(finished_at - started_at)), 0)::float as longest
       from reminder_runs where created_at >= $1`,
    [since],
  );
  return rows[0] as Totals;
}

// The server's services, from its build, run in this process against the database: the runs alone are timed.
interface Runtime {
  app: object;
  orm: object;
  stop(): Promise<void>;
}
const dist = (...parts: string[]) => path.join(ROOT, 'dist', ...parts);
/* eslint-disable @typescript-eslint/no-require-imports */
const { startRuntime } = require(dist('runtime.js')) as { startRuntime(options: { config: unknown; role: string }): Promise<Runtime> };
const { loadConfig } = require(dist('config.js')) as { loadConfig(env: Record<string, string>): unknown };
const { createJobContext } = require(dist('jobs', 'job-context.js')) as { createJobContext(app: object, orm: object): object };
const { executeReminderRun } = require(dist('services', 'reminders', 'run-reminders.js')) as { executeReminderRun(ctx: object, runId: string): Promise<void> };
const { startDueDailyRuns } = require(dist('services', 'reminders', 'reminder-runs.js')) as { startDueDailyRuns(ctx: object): Promise<number> };
// BENCH_SQL_TIMING=1: every statement the services run through these two is timed (they are read at each call).
const sql = require(dist('services', 'ledger', 'sql.js')) as Record<'execute' | 'executeBulk', (...args: unknown[]) => Promise<unknown>>;
/* eslint-enable @typescript-eslint/no-require-imports */
const statementMs = new Map<string, { ms: number; count: number }>();
if (process.env.BENCH_SQL_TIMING) {
  for (const name of ['execute', 'executeBulk'] as const) {
    const original = sql[name];
    sql[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        const key = String(args[1]).replace(/\s+/g, ' ').trim().slice(0, 80);
        const entry = statementMs.get(key) ?? { ms: 0, count: 0 };
        entry.ms += performance.now() - started;
        entry.count += 1;
        statementMs.set(key, entry);
      }
    };
  }
}

interface RuntimeApp {
  config: { jobs: { reminderRunConcurrency: number } };
}

/** Executes the queued runs created since `since`, as many at a time as a worker would (REMINDER_RUN_CONCURRENCY). */
async function executeRuns(db: Client, runtime: Runtime, since: Date): Promise<void> {
  const { rows } = await db.query<{ id: string }>(`select id from reminder_runs where status = 'QUEUED' and created_at >= $1 order by created_at, id`, [since]);
  const queue = rows.map((r) => r.id);
  const lane = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await executeReminderRun(createJobContext(runtime.app, runtime.orm), id);
  };
  await Promise.all(Array.from({ length: (runtime.app as RuntimeApp).config.jobs.reminderRunConcurrency }, lane));
}

const selfPeakRssMb = () => peakRssMb(process.pid);

async function main(): Promise<void> {
  const database = await scratchDatabase('reminders');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-reminders-'));
  const env = serverEnv(database.url, dataDir);
  const db = new Client({ connectionString: database.url });
  let runtime: Runtime | null = null;
  try {
    // A first start of the real server migrates the database; the data goes in while nothing runs.
    await (await startServer(env)).stop();
    await db.connect();
    const populating = Date.now();
    await populate(db);
    console.log(`populated ${ADMINISTRATIONS} administrations, ${ADMINISTRATIONS * INVOICES_PER_ADMINISTRATION} invoices, ${ADMINISTRATIONS * DEBTORS_PER_ADMINISTRATION} debtors in ${((Date.now() - populating) / 1000).toFixed(1)} s`);

    // The API role: no worker, so the queued emails stay queued and do not compete with the runs.
    const concurrency: Record<string, string> = process.env.REMINDER_RUN_CONCURRENCY ? { REMINDER_RUN_CONCURRENCY: process.env.REMINDER_RUN_CONCURRENCY } : {};
    runtime = await startRuntime({ config: loadConfig({ ...env, ...concurrency, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), role: 'api' });
    const rssBefore = selfPeakRssMb();
    const since = new Date();
    const started = Date.now();
    const cpuBefore = machineCpuSeconds();
    const ownCpuBefore = process.cpuUsage();
    const profiling = await startProfile();
    const count = await startDueDailyRuns(createJobContext(runtime.app, runtime.orm));
    await executeRuns(db, runtime, since);
    await profiling?.stop('reminders-daily-run');
    const first = await totals(db, since);
    const cpu = machineCpuSeconds() - cpuBefore;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    console.log(
      `daily run: ${((Date.now() - started) / 1000).toFixed(1)} s (${cpu.toFixed(1)} CPU seconds of the machine, ${((ownCpu.user + ownCpu.system) / 1e6).toFixed(1)} of them this process's) for ${count} administrations (${first.failed} failed): ` +
        `${first.selected} invoices selected, ${first.messages} emails queued, ${first.cases} cases opened; longest run ${first.longest.toFixed(2)} s`,
    );

    // The same day again, every administration (as runReminders does): nothing may be sent.
    const again = new Date();
    const startedAgain = Date.now();
    await db.query(`insert into reminder_runs (id, administration_id, status, created_at) select gen_random_uuid(), id, 'QUEUED', now() from administrations`);
    await executeRuns(db, runtime, again);
    const second = await totals(db, again);
    console.log(`second run the same day: ${((Date.now() - startedAgain) / 1000).toFixed(1)} s, ${second.selected} invoices selected, ${second.messages} emails queued`);
    if (process.env.BENCH_SQL_TIMING) {
      console.log('statements by total time (ms in all, count):');
      for (const [key, { ms, count }] of [...statementMs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`  ${ms.toFixed(0).padStart(8)} ${String(count).padStart(6)}  ${key}`);
    }
    console.log(`peak RSS of the process running them: ${selfPeakRssMb().toFixed(0)} MB (${rssBefore.toFixed(0)} MB before the runs)`);

    const { rows } = await db.query('select id, (now() at time zone time_zone)::date::text as today from administrations limit 1');
    let n = 0;
    const numbered = DUE_STEPS_SQL.replace(/\?/g, () => `$${(n += 1)}`); // the ORM's ? placeholders as pg's $n
    const plan = await db.query(`explain (analyze, buffers) ${numbered}`, [rows[0].id, rows[0].today, rows[0].id, rows[0].today]);
    console.log('plan of the selecting query (one administration, after the runs):');
    for (const row of plan.rows) console.log(`  ${row['QUERY PLAN']}`);
  } finally {
    await runtime?.stop();
    await db.end().catch(() => undefined);
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
