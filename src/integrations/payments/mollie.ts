// Mollie through its own client (@mollie/api-client 4): create a payment with a checkout page, and read one back.
import { createMollieClient, MollieApiError as ApiError, type MollieClient, type Payment as MolliePayment } from '@mollie/api-client';
import type { PaymentProvider, ProviderPayment } from './provider';
import { isProviderStatus, PaymentProviderError } from './provider';
import { centsOfMollieValue, mollieValue } from './amount';

/** Mollie answers an id it does not know (or of another profile, or malformed) with 404 (or 400 for a bad id). */
const UNKNOWN_ID = new Set([400, 404, 410]);

function providerError(error: unknown, doing: string): PaymentProviderError {
  if (error instanceof ApiError) {
    const status = error.statusCode ?? null;
    return new PaymentProviderError(`Mollie ${status ? `answered ${status} ` : ''}while ${doing}: ${error.message}`, status);
  }
  return new PaymentProviderError(`Mollie could not be reached while ${doing}: ${(error as Error).message}`, null);
}

function toProviderPayment(payment: MolliePayment): ProviderPayment {
  if (!isProviderStatus(payment.status)) throw new PaymentProviderError(`Mollie sent an unknown payment status '${String(payment.status)}'`, null);
  const amount = centsOfMollieValue(payment.amount?.value);
  if (amount === null) throw new PaymentProviderError(`Mollie sent an amount we cannot read: ${JSON.stringify(payment.amount)}`, null);
  const metadata = payment.metadata as { paymentId?: unknown } | null | undefined;
  return {
    id: payment.id,
    status: payment.status,
    amount,
    currency: payment.amount.currency,
    amountRefunded: centsOfMollieValue(payment.amountRefunded?.value) ?? 0n,
    method: typeof payment.method === 'string' ? payment.method : null,
    paymentId: typeof metadata?.paymentId === 'string' ? metadata.paymentId : null,
  };
}

/**
 * The client sets no time limit of its own; a portal request (and its transaction) must not hang on Mollie. What
 * Mollie does with a create we stopped waiting for is harmless: nobody has its checkout URL, and it expires.
 */
const TIMEOUT_MS = 20_000;

function withinTime<T>(work: Promise<T>, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PaymentProviderError(`Mollie did not answer within ${TIMEOUT_MS / 1000} s while ${doing}`, null)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function mollieProvider(settings: { apiKey: string; apiUrl: string }): PaymentProvider {
  const client: MollieClient = createMollieClient({ apiKey: settings.apiKey, apiEndpoint: `${settings.apiUrl}/` });
  return {
    name: 'mollie',
    async createPayment(_em, input) {
      let payment: MolliePayment;
      try {
        payment = await withinTime(client.payments.create({
          amount: { currency: input.currency, value: mollieValue(input.amount, input.currency) },
          description: input.description,
          redirectUrl: input.redirectUrl,
          webhookUrl: input.webhookUrl,
          metadata: { paymentId: input.paymentId },
          // The client retries a 5xx; with our id as the key Mollie creates the payment once however often it is asked.
          idempotencyKey: input.paymentId,
        }), 'creating the payment');
      } catch (error) {
        if (error instanceof PaymentProviderError) throw error;
        throw providerError(error, 'creating the payment');
      }
      const checkoutUrl = payment.getCheckoutUrl();
      if (!checkoutUrl) throw new PaymentProviderError(`Mollie created payment ${payment.id} without a checkout URL`, null);
      return { id: payment.id, checkoutUrl };
    },
    async getPayment(_em, id) {
      try {
        return toProviderPayment(await withinTime(client.payments.get(id), `reading payment ${id}`));
      } catch (error) {
        if (error instanceof ApiError && UNKNOWN_ID.has(error.statusCode ?? 0)) return null;
        if (error instanceof PaymentProviderError) throw error;
        throw providerError(error, `reading payment ${id}`);
      }
    },
  };
}
