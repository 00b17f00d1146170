// The baseline of bench/list: a plain HTTP route that runs the same page SQL as the GraphQL invoice page (the
// page, then the page's debtors; no count, which the benchmarked query does not ask for) with `pg` and answers with
// JSON.stringify. No auth, no GraphQL, no ORM.
import http from 'node:http';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const PAGE = `select i.* from invoices as i inner join debtors as d on d.id = i.debtor_id
  where i.administration_id = $1 order by i.due_date asc, i.id asc limit $2`;
const DEBTORS = `select * from debtors where administration_id = $1 and id = any($2::uuid[])`;

const cents = (value: string) => {
  const n = BigInt(value);
  return `${n / 100n}.${String(n % 100n).padStart(2, '0')}`;
};

async function page(administrationId: string, first: number): Promise<string> {
  const rows = await pool.query(PAGE, [administrationId, first + 1]);
  const invoices = rows.rows.slice(0, first);
  const debtors = await pool.query(DEBTORS, [administrationId, [...new Set(invoices.map((i) => i.debtor_id))]]);
  const byId = new Map(debtors.rows.map((d) => [d.id, d]));
  const edges = invoices.map((i) => ({
    node: {
      id: i.id,
      number: i.number,
      amount: { amount: cents(i.amount), currency: i.currency },
      openAmount: { amount: cents(i.open_amount), currency: i.currency },
      dueDate: i.due_date,
      debtor: { name: byId.get(i.debtor_id).name, email: byId.get(i.debtor_id).email },
    },
  }));
  return JSON.stringify({ data: { administration: { invoices: { edges } } } });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/readyz') {
    res.end('ok');
    return;
  }
  page(url.searchParams.get('administrationId')!, Number(url.searchParams.get('first') ?? 50)).then(
    (body) => {
      res.setHeader('content-type', 'application/json');
      res.end(body);
    },
    (error: Error) => {
      res.statusCode = 500;
      res.end(error.message);
    },
  );
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
