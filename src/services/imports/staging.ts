// The whole input of a run, staged in a temporary table through COPY FROM STDIN before anything is merged.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ImportedDebtor, ImportedInvoice, ParsedRow } from '../../integrations/bookkeeping';
import { execute } from '../ledger/sql';

/**
 * One row per valid input row, in the run's transaction; dropped at its end. `row` is the row number in the
 * input, so that of duplicate external ids the last one wins. No index: every use is a hash join or a scan.
 */
const CREATE = `
create temp table import_rows (
  row int not null, external_id text not null, number text not null, issue_date date not null, due_date date,
  amount bigint not null, open_amount bigint not null, currency text, debtor_external_id text not null,
  debtor_name text not null, debtor_type text not null, debtor_email text, debtor_phone text, debtor_street text,
  debtor_house_number text, debtor_postcode text, debtor_city text, debtor_country text
) on commit drop`;

const COPY = `copy import_rows (row, external_id, number, issue_date, due_date, amount, open_amount, currency, debtor_external_id,
  debtor_name, debtor_type, debtor_email, debtor_phone, debtor_street, debtor_house_number, debtor_postcode, debtor_city, debtor_country)
  from stdin`;

// COPY data is sent in chunks of about this size: large enough that per-message costs vanish.
const CHUNK_BYTES = 256 * 1024;

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: \N for null, backslash escapes for the characters that delimit. */
function text(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

function line(row: number, i: ImportedInvoice): string {
  return (
    `${row}\t${text(i.externalId)}\t${text(i.number)}\t${i.issueDate}\t${i.dueDate ?? '\\N'}\t${i.amountCents}\t${i.openAmountCents}\t` +
    `${text(i.currency)}\t${debtorText(i.debtor)}\n`
  );
}

// Rows of one debtor share its object (DebtorCache), so its part of the line is made once.
const debtorTexts = new WeakMap<ImportedDebtor, string>();

function debtorText(d: ImportedDebtor): string {
  let encoded = debtorTexts.get(d);
  if (encoded === undefined) {
    const pieces =
      `${text(d.externalId)}\t${text(d.name)}\t${d.type}\t${text(d.email)}\t${text(d.phone)}\t${text(d.street)}\t` +
      `${text(d.houseNumber)}\t${text(d.postcode)}\t${text(d.city)}\t${text(d.country)}`;
    // One flat string: a string built by concatenation stays a tree of its pieces, walked again each time a chunk
    // that contains it is encoded, and this one goes into every line of the debtor.
    encoded = Buffer.from(pieces, 'utf8').toString('utf8');
    debtorTexts.set(d, encoded);
  }
  return encoded;
}

/**
 * Encodes lines into chunks of bytes as they come. A line is written at once, so the strings it was made of die
 * young: kept as strings until a chunk is full, every row would outlive a few garbage collections, and the heap
 * would fill with rows no longer needed (the import's peak memory).
 */
class ChunkWriter {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private length = 0;
  private readonly done: Buffer[] = [];

  add(line: string): void {
    // At most three bytes per UTF-16 unit.
    if (this.length + line.length * 3 > this.chunk.length) {
      this.seal();
      if (line.length * 3 > this.chunk.length) return void this.done.push(Buffer.from(line, 'utf8'));
    }
    this.length += this.chunk.write(line, this.length, 'utf8');
  }

  /** The chunks filled so far. */
  *full(): Generator<Buffer> {
    yield* this.done.splice(0);
  }

  /** Everything, once the input has ended. */
  *rest(): Generator<Buffer> {
    this.seal();
    yield* this.full();
  }

  private seal(): void {
    if (this.length === 0) return;
    this.done.push(this.chunk.subarray(0, this.length));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.length = 0;
  }
}

/** What staging saw, for the merge: which external ids came more than once. */
export interface Staged {
  rows: number;
  /** External ids that occur in more than one staged row (usually none). */
  duplicates: string[];
}

/** A row that passed validation, with its row number in the input. */
export type ValidRow = Extract<ParsedRow, { invoice: ImportedInvoice }>;

/**
 * Streams the valid rows into `import_rows` with one COPY on the transaction's own connection, while the
 * parser runs: PostgreSQL ingests one chunk while the next is parsed. `accept` sees every batch of parsed rows
 * first (for progress, row errors and documents) and returns the rows that go in. Nothing else may use the
 * transaction until this resolves.
 */
export async function stageRows(
  tx: EntityManager,
  batches: AsyncIterable<ParsedRow[]>,
  accept: (batch: ParsedRow[]) => Promise<ValidRow[]>,
): Promise<Staged> {
  await execute(tx, CREATE);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  let count = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    const chunk = new ChunkWriter();
    for await (const batch of batches) {
      for (const { row, invoice } of await accept(batch)) {
        count += 1;
        const known = seen.size;
        if (seen.add(invoice.externalId).size === known) duplicates.add(invoice.externalId);
        chunk.add(line(row, invoice));
      }
      yield* chunk.full();
    }
    yield* chunk.rest();
  }
  const connection = await connectionOf(tx);
  // An error on either side (an unreadable file, a refused value) ends the COPY with CopyFail; the transaction then rolls back.
  await pipeline(Readable.from(chunks(), { objectMode: false }), connection.query(copyFrom(COPY)));
  return { rows: count, duplicates: [...duplicates] };
}

/** The pg connection the ORM's transaction runs on: COPY must go through that one to see and fill its temporary table. */
async function connectionOf(tx: EntityManager): Promise<ClientBase> {
  const transaction = tx.getTransactionContext<Knex.Transaction>();
  if (!transaction) throw new Error('staging needs a transaction');
  return (await transaction.client.acquireConnection()) as ClientBase;
}
