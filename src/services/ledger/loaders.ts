// Per-request DataLoaders, so a page of invoices with debtors and amounts costs a fixed number of queries.
import DataLoader from 'dataloader';
import type { RequestContext } from '../../context';
import { rootEmOf, tenantEm } from '../../context';
import { forkForLiveReads } from '../../db/live-reads';
import { Administration } from '../../entities/Administration';
import { Debtor } from '../../entities/Debtor';
import { Document } from '../../entities/Document';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { Message } from '../../entities/Message';
import { Payment } from '../../entities/Payment';
import { User } from '../../entities/User';
import { execute, knex } from './sql';
import { notFound } from '../../schema/errors';
import { readRows } from '../lists/read-rows';
import { createCaseLoaders, type CaseLoaders } from '../cases/case-loaders';

export interface Loaders extends CaseLoaders {
  administration: DataLoader<string, Administration | null>;
  /** Keys are `${administrationId}:${id}`: every load is scoped to one tenant. */
  debtor: DataLoader<string, Debtor | null>;
  /** Open amount per currency. */
  debtorOpenAmounts: DataLoader<string, Map<string, bigint>>;
  debtorHasDisputed: DataLoader<string, boolean>;
  /** An inbound message of the debtor that nobody has read (UNREAD_REPLY). */
  debtorHasUnreadReply: DataLoader<string, boolean>;
  invoiceDocuments: DataLoader<string, Document[]>;
  payment: DataLoader<string, Payment | null>;
  paymentInvoices: DataLoader<string, Invoice[]>;
  /** Users by plain id: a message's sender (users belong to no single administration). */
  user: DataLoader<string, User | null>;
  message: DataLoader<string, Message | null>;
  messageAttachments: DataLoader<string, Document[]>;
}

const byContext = new WeakMap<RequestContext, Loaders>();

export const scopedKey = (administrationId: string, id: string) => `${administrationId}:${id}`;

/** Groups `admin:id` keys per administration and runs one query per administration (in practice: one). */
function scoped<V>(load: (administrationId: string, ids: string[]) => Promise<Map<string, V>>, fallback: V) {
  return async (keys: readonly string[]): Promise<V[]> => {
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const [administrationId, id] = key.split(':');
      groups.set(administrationId, [...(groups.get(administrationId) ?? []), id]);
    }
    const results = new Map<string, V>();
    for (const [administrationId, ids] of groups) {
      for (const [id, value] of await load(administrationId, ids)) results.set(scopedKey(administrationId, id), value);
    }
    return keys.map((key) => results.get(key) ?? fallback);
  };
}

function createLoaders(ctx: RequestContext): Loaders {
  return {
    ...createCaseLoaders(ctx, scoped),
    // Read-only snapshots too: what reads it (currency, time zone, the administration shown) changes nothing.
    administration: new DataLoader(async (ids) => {
      const em = ctx.em;
      const rows = readRows(em, Administration, await execute(em, knex(em)('administrations').whereIn('id', [...ids])));
      return ids.map((id) => rows.find((a) => a.id === id) ?? null);
    }),
    // Read-only snapshots (see read-rows.ts): a page's debtors are shown, not changed.
    debtor: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute(em, knex(em)('debtors').where({ administration_id: administrationId }).whereIn('id', ids));
        return new Map(readRows(em, Debtor, rows).map((d) => [d.id, d]));
      }, null),
    ),
    debtorOpenAmounts: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute<{ debtor_id: string; currency: string; open: string }>(
          em,
          knex(em)('invoices')
            .select('debtor_id', 'currency', knex(em).raw('sum(open_amount)::text as open'))
            .where({ administration_id: administrationId, status: InvoiceStatus.OPEN })
            .whereIn('debtor_id', ids)
            .groupBy('debtor_id', 'currency'),
        );
        const sums = new Map<string, Map<string, bigint>>();
        for (const r of rows) sums.set(r.debtor_id, (sums.get(r.debtor_id) ?? new Map()).set(r.currency, BigInt(r.open)));
        return sums;
      }, new Map<string, bigint>()),
    ),
    debtorHasDisputed: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute<{ debtor_id: string }>(
          em,
          knex(em)('invoices')
            .distinct('debtor_id')
            .where({ administration_id: administrationId, status: InvoiceStatus.OPEN, on_hold: true })
            .whereIn('debtor_id', ids),
        );
        return new Map(rows.map((r) => [r.debtor_id, true]));
      }, false),
    ),
    debtorHasUnreadReply: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute<{ debtor_id: string }>(
          em,
          knex(em)('messages')
            .distinct('debtor_id')
            .where({ administration_id: administrationId, direction: 'INBOUND' })
            .whereNull('read_at')
            .whereIn('debtor_id', ids),
        );
        return new Map(rows.map((r) => [r.debtor_id, true]));
      }, false),
    ),
    invoiceDocuments: new DataLoader(
      scoped(async (administrationId, ids) => {
        const rows = await tenantEm(ctx, administrationId).find(
          Document,
          { invoice: { $in: ids } },
          { orderBy: { createdAt: 'asc', id: 'asc' } },
        );
        const map = new Map<string, Document[]>();
        for (const d of rows) map.set(d.invoice!.id, [...(map.get(d.invoice!.id) ?? []), d]);
        return map;
      }, [] as Document[]),
    ),
    payment: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute(em, knex(em)('payments').where({ administration_id: administrationId }).whereIn('id', ids));
        return new Map(readRows(em, Payment, rows).map((p) => [p.id, p]));
      }, null),
    ),
    // The invoices a payment settles, and those an online payment was started for (while it is open, and after it
    // was paid: one paid elsewhere meanwhile keeps its place, though it took no allocation). One statement per page.
    paymentInvoices: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute<Record<string, unknown> & { of_payment: string }>(
          em,
          `select x.payment_id as of_payment, i.* from (
             select payment_id, invoice_id from payment_allocations where administration_id = ? and payment_id = any(?::uuid[])
             union
             select payment_id, invoice_id from online_payment_invoices where administration_id = ? and payment_id = any(?::uuid[])
           ) x join invoices i on i.id = x.invoice_id
           order by i.due_date, i.id`,
          [administrationId, `{${ids.join(',')}}`, administrationId, `{${ids.join(',')}}`],
        );
        const invoices = readRows(em, Invoice, rows);
        const map = new Map<string, Invoice[]>();
        rows.forEach((row, n) => map.set(row.of_payment, [...(map.get(row.of_payment) ?? []), invoices[n]]));
        return map;
      }, [] as Invoice[]),
    ),
    user: new DataLoader(async (ids) => {
      const em = ctx.em;
      const users = readRows(em, User, await execute(em, knex(em)('users').select('id', 'email', 'name', 'created_at').whereIn('id', [...ids])));
      return ids.map((id) => users.find((u) => u.id === id) ?? null);
    }),
    message: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute(em, knex(em)('messages').where({ administration_id: administrationId }).whereIn('id', ids));
        return new Map(readRows(em, Message, rows).map((m) => [m.id, m]));
      }, null),
    ),
    messageAttachments: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute(
          em,
          knex(em)('documents').where({ administration_id: administrationId }).whereIn('message_id', ids).orderBy([{ column: 'created_at' }, { column: 'id' }]),
        );
        const map = new Map<string, Document[]>();
        for (const d of readRows(em, Document, rows)) map.set(d.message!.id, [...(map.get(d.message!.id) ?? []), d]);
        return map;
      }, [] as Document[]),
    ),
  };
}

const primedAdministrations = new WeakMap<RequestContext, Record<string, unknown>[]>();

/**
 * Hands the request's loader an administration row read along with something else (the role check's). Kept as the
 * row until the loaders are made: a subscription checks its role when it starts and may never need them.
 */
export function primeAdministration(ctx: RequestContext, row: Record<string, unknown>): void {
  const loaders = byContext.get(ctx);
  if (loaders) primeWith(ctx, loaders, row);
  else primedAdministrations.set(ctx, [...(primedAdministrations.get(ctx) ?? []), row]);
}

function primeWith(ctx: RequestContext, loaders: Loaders, row: Record<string, unknown>): void {
  const [administration] = readRows(rootEmOf(ctx), Administration, [row]);
  loaders.administration.prime(administration.id, administration);
}

/** The administration through the request's loader (one query per request, however many fields need it). */
export async function loadAdministration(ctx: RequestContext, id: string): Promise<Administration> {
  const administration = await loadersFor(ctx).administration.load(id);
  if (!administration) throw notFound('Administration not found');
  return administration;
}

export function loadersFor(ctx: RequestContext): Loaders {
  let loaders = byContext.get(ctx);
  if (!loaders) {
    loaders = createLoaders(ctx);
    byContext.set(ctx, loaders);
    for (const row of primedAdministrations.get(ctx) ?? []) primeWith(ctx, loaders, row);
    primedAdministrations.delete(ctx);
  }
  return loaders;
}

/** Drops the request's cached loads (a subscription reads each event afresh). */
export function resetLoaders(ctx: RequestContext): void {
  byContext.delete(ctx);
}

const byEvent = new WeakMap<object, Loaders>();

/**
 * One set of loaders for every subscriber of a live event in this process: an event pushed to a thousand
 * subscriptions is read from the database once (the loads of all of them batch and share one cache),
 * not once per subscriber. The event object is the key, so the loaders go with it once every
 * subscriber has been served. Only for reads that do not depend on who asks (rows named by id, scoped
 * to the event's administration, which every subscriber was checked to be a member of).
 */
export function shareEventLoaders(ctx: RequestContext, event: object): void {
  let loaders = byEvent.get(event);
  if (!loaders) {
    // Its own entity manager, forked from the process's root: not the subscriber's, which need not exist yet.
    // Its reads go through the live events' own connections: they wait for no request's transaction.
    const shared: RequestContext = Object.assign(Object.create(ctx) as RequestContext, { em: forkForLiveReads(rootEmOf(ctx)) });
    loaders = createLoaders(shared);
    byEvent.set(event, loaders);
  }
  byContext.set(ctx, loaders);
}
