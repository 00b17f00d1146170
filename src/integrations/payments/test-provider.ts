// The built-in test provider (no MOLLIE_API_KEY): payments kept in PostgreSQL, shaped after Mollie's, paid, failed
// or cancelled on a local checkout page (server/test-checkout.ts). Nothing is charged; it is for trying the portal.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute } from '../../services/ledger/sql';
import type { PaymentProvider, ProviderPayment } from './provider';
import { isProviderStatus } from './provider';

export const TEST_CHECKOUT_PATH = '/checkout';

/** What the debtor can choose on the checkout page, and the status each one gives the payment. */
export const CHECKOUT_OUTCOMES = { pay: 'paid', fail: 'failed', cancel: 'canceled' } as const;
export type CheckoutOutcome = keyof typeof CHECKOUT_OUTCOMES;

export interface TestProviderRow {
  id: string;
  amount: string;
  currency: string;
  description: string;
  status: string;
  amount_refunded: string;
  redirect_url: string;
  metadata: { paymentId?: unknown };
}

/** Like Mollie's: `tr_` and ten letters and digits (here `tr_test_` and hex, so one is never taken for Mollie's). */
export function isTestProviderId(id: string): boolean {
  return /^tr_test_[0-9a-f]{16}$/.test(id);
}

export async function readTestPayment(em: EntityManager, id: string): Promise<TestProviderRow | null> {
  if (!isTestProviderId(id)) return null;
  const [row] = await execute<TestProviderRow>(em, 'select * from test_provider_payments where id = ?', [id]);
  return row ?? null;
}

/** The debtor's choice: only an open payment takes one, so a second click (or another tab) changes nothing. */
export async function chooseTestOutcome(em: EntityManager, id: string, outcome: CheckoutOutcome): Promise<boolean> {
  const rows = await execute(em, `update test_provider_payments set status = ? where id = ? and status = 'open' returning id`, [CHECKOUT_OUTCOMES[outcome], id]);
  return rows.length > 0;
}

export function testProvider(publicUrl: string): PaymentProvider {
  return {
    name: 'test',
    async createPayment(em, input) {
      const id = `tr_test_${randomBytes(8).toString('hex')}`;
      await execute(
        em,
        `insert into test_provider_payments (id, amount, currency, description, status, amount_refunded, redirect_url, webhook_url, metadata, created_at)
         values (?, ?, ?, ?, 'open', 0, ?, ?, ?::jsonb, now())`,
        [id, input.amount.toString(), input.currency, input.description, input.redirectUrl, input.webhookUrl, JSON.stringify({ paymentId: input.paymentId })],
      );
      return { id, checkoutUrl: `${publicUrl}${TEST_CHECKOUT_PATH}/${id}` };
    },
    async getPayment(em, id): Promise<ProviderPayment | null> {
      const row = await readTestPayment(em, id);
      if (!row || !isProviderStatus(row.status)) return null;
      return {
        id: row.id,
        status: row.status,
        amount: BigInt(row.amount),
        currency: row.currency,
        amountRefunded: BigInt(row.amount_refunded),
        method: row.status === 'paid' ? 'test' : null,
        paymentId: typeof row.metadata?.paymentId === 'string' ? row.metadata.paymentId : null,
      };
    },
  };
}
