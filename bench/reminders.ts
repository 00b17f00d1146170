// Reminder benchmark: 1,000 administrations, 1,000,000 open invoices over 200,000 debtors, due dates spread over the
// last 90 days. A real server process (API and worker, outbox mail transport) starts the daily run of every
// administration; we time from the first run queued to the last one finished, then run every administration again
// the same day (which must send nothing), and print the plan of the selecting query.
//
// Needs a PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Run with `npm run bench:reminders` (BENCH_ADMINISTRATIONS and BENCH_INVOICES_PER_ADMINISTRATION scale it down).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROOT, peakRssMb, scratchDatabase, serverEnv, startServer } from './support';

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
  await db.query('analyze');
}

interface Totals {
  finished: number;
  failed: number;
  selected: number;
  messages: number;
  cases: number;
  seconds: number;
  /** Time runs spent running (started to finished), summed; the rest of the span they waited in the queue. */
  working: number;
  longest: number;
}

/** Waits until `expected` runs created after `since` have finished; their totals and the span first queued to last finished. */
async function waitForRuns(db: Client, since: Date, expected: number): Promise<Totals> {
  for (;;) {
    const { rows } = await db.query(
      `select count(*) filter (where status in ('SUCCEEDED', 'FAILED'))::int as finished, count(*) filter (where status = 'FAILED')::int as failed,
              coalesce(sum(invoices_selected), 0)::int as selected, coalesce(sum(messages_queued), 0)::int as messages, coalesce(sum(cases_opened), 0)::int as cases,
              extract(epoch from max(finished_at) - min(created_at))::float as seconds,
              coalesce(extract(epoch from sum(finished_at - started_at)), 0)::float as working,
              coalesce(extract(epoch from max(finished_at - started_at)), 0)::float as longest
         from reminder_runs where created_at >= $1`,
      [since],
    );
    const totals = rows[0] as Totals;
    if (totals.finished >= expected) return totals;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const database = await scratchDatabase('reminders');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-reminders-'));
  const env = serverEnv(database.url, dataDir);
  const db = new Client({ connectionString: database.url });
  try {
    // A first start migrates the database; the data goes in while no worker runs.
    await (await startServer(env)).stop();
    await db.connect();
    const populating = Date.now();
    await populate(db);
    console.log(`populated ${ADMINISTRATIONS} administrations, ${ADMINISTRATIONS * INVOICES_PER_ADMINISTRATION} invoices, ${ADMINISTRATIONS * DEBTORS_PER_ADMINISTRATION} debtors in ${((Date.now() - populating) / 1000).toFixed(1)} s`);

    const since = new Date();
    const server = await startServer(env);
    const first = await waitForRuns(db, since, ADMINISTRATIONS);
    console.log(
      `daily run: ${first.seconds.toFixed(1)} s from the first run queued to the last finished; ${first.finished} runs (${first.failed} failed), ` +
        `${first.selected} invoices selected, ${first.messages} emails queued, ${first.cases} cases opened; ` +
        `runs ran ${first.working.toFixed(1)} s in all (longest ${first.longest.toFixed(2)} s)`,
    );

    // The same day again: every administration run now (as runReminders does), which must find nothing due.
    const again = new Date();
    await db.query(
      `with runs as (insert into reminder_runs (id, administration_id, status, created_at) select gen_random_uuid(), id, 'QUEUED', now() from administrations returning id)
       insert into job_outbox (job, data) select 'reminders:run', jsonb_build_object('runId', id) from runs`,
    );
    const second = await waitForRuns(db, again, ADMINISTRATIONS);
    console.log(
      `second run the same day: ${second.seconds.toFixed(1)} s, ${second.selected} invoices selected, ${second.messages} emails queued; ` +
        `runs ran ${second.working.toFixed(1)} s in all (longest ${second.longest.toFixed(2)} s)`,
    );
    console.log(`server peak RSS: ${peakRssMb(server.child.pid!).toFixed(0)} MB`);

    const { rows } = await db.query('select id, (now() at time zone time_zone)::date::text as today from administrations limit 1');
    let n = 0;
    const numbered = DUE_STEPS_SQL.replace(/\?/g, () => `$${(n += 1)}`); // the ORM's ? placeholders as pg's $n
    const plan = await db.query(`explain (analyze, buffers) ${numbered}`, [rows[0].today, rows[0].id, rows[0].today]);
    console.log('plan of the selecting query (one administration, after the runs):');
    for (const row of plan.rows) console.log(`  ${row['QUERY PLAN']}`);
    await server.stop();
  } finally {
    await db.end().catch(() => undefined);
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
