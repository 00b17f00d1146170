// The payment provider of this process: Mollie with MOLLIE_API_KEY, the built-in test provider without.
import type { Config } from '../../config';
import { mollieProvider } from './mollie';
import type { PaymentProvider } from './provider';
import { testProvider } from './test-provider';

export const MOLLIE_WEBHOOK_PATH = '/webhooks/mollie';

const providers = new WeakMap<Config, PaymentProvider>();

/** One per configuration (the Mollie client keeps its connections). */
export function paymentProviderFor(config: Config): PaymentProvider {
  let provider = providers.get(config);
  if (!provider) {
    provider = config.mollie ? mollieProvider(config.mollie) : testProvider(config.publicUrl);
    providers.set(config, provider);
  }
  return provider;
}

/** Where the provider posts a payment's changes: PUBLIC_URL/webhooks/mollie, the same for the test provider. */
export function paymentWebhookUrl(config: Config): string {
  return `${config.publicUrl}${MOLLIE_WEBHOOK_PATH}`;
}
