// What an online-payment provider does for us: create a payment with a checkout page, and say how a payment stands.
// Mollie (MOLLIE_API_KEY) and the built-in test provider both answer in Mollie's terms.
import type { EntityManager } from '@mikro-orm/postgresql';
import { PaymentStatus } from '../../entities/Payment';

/** Mollie's payment statuses; `authorized` is a card or Klarna payment not captured yet. */
export type ProviderStatus = 'open' | 'pending' | 'authorized' | 'paid' | 'failed' | 'canceled' | 'expired';

export interface CreateProviderPayment {
  /** Our payment's id: the metadata the provider hands back, and the idempotency key of the create call. */
  paymentId: string;
  amount: bigint;
  currency: string;
  description: string;
  redirectUrl: string;
  webhookUrl: string;
}

export interface ProviderPayment {
  /** The provider's id (tr_...). */
  id: string;
  status: ProviderStatus;
  amount: bigint;
  currency: string;
  /** What the provider refunded of it so far (0 without refunds). */
  amountRefunded: bigint;
  /** The payment method the debtor used (ideal, creditcard, ...), once known. */
  method: string | null;
  /** Our payment id, from the metadata we gave it. */
  paymentId: string | null;
}

export interface CreatedProviderPayment {
  id: string;
  checkoutUrl: string;
}

/** The provider refused or could not be reached; `status` is its HTTP status where it answered. */
export class PaymentProviderError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface PaymentProvider {
  readonly name: 'mollie' | 'test';
  /**
   * `em` is the caller's transaction: the test provider keeps its payments in PostgreSQL and writes them with the
   * caller's change, so a failure after it leaves nothing behind; Mollie does not need it.
   */
  createPayment(em: EntityManager, input: CreateProviderPayment): Promise<CreatedProviderPayment>;
  /** The payment as the provider knows it, or null when the provider does not know the id. */
  getPayment(em: EntityManager, id: string): Promise<ProviderPayment | null>;
}

const MOLLIE_STATUSES: Record<ProviderStatus, PaymentStatus> = {
  open: PaymentStatus.OPEN,
  pending: PaymentStatus.PENDING,
  // Authorized: the debtor approved it, the money is not captured yet. Not money that came in.
  authorized: PaymentStatus.PENDING,
  paid: PaymentStatus.PAID,
  failed: PaymentStatus.FAILED,
  canceled: PaymentStatus.CANCELED,
  expired: PaymentStatus.EXPIRED,
};

export function isProviderStatus(value: unknown): value is ProviderStatus {
  return typeof value === 'string' && value in MOLLIE_STATUSES;
}

/** Our status for the provider's; a refund of all of a paid payment is REFUNDED (a part keeps it PAID). */
export function paymentStatusOf(payment: Pick<ProviderPayment, 'status' | 'amount' | 'amountRefunded'>): PaymentStatus {
  if (payment.status === 'paid' && payment.amountRefunded > 0n && payment.amountRefunded >= payment.amount) return PaymentStatus.REFUNDED;
  return MOLLIE_STATUSES[payment.status];
}

/**
 * Statuses only move forward: OPEN, then PENDING, then one final outcome (PAID, FAILED, CANCELED, EXPIRED), and a
 * PAID payment may become REFUNDED. A post that arrives late (pending after paid) changes nothing. The one exception
 * is the webhook's own: when the provider says paid, the money came in and is recorded whatever we saw before.
 */
const RANK: Record<PaymentStatus, number> = {
  [PaymentStatus.OPEN]: 0,
  [PaymentStatus.PENDING]: 1,
  [PaymentStatus.PAID]: 2,
  [PaymentStatus.FAILED]: 2,
  [PaymentStatus.CANCELED]: 2,
  [PaymentStatus.EXPIRED]: 2,
  [PaymentStatus.REFUNDED]: 3,
};

export function movesForward(from: PaymentStatus, to: PaymentStatus): boolean {
  if (to === PaymentStatus.REFUNDED) return from === PaymentStatus.PAID;
  return RANK[to] > RANK[from] && RANK[from] < 2;
}
