// POST /webhooks/mollie: the provider's "payment <id> changed" (a form with only `id`), and the built-in test
// provider's checkout page (GET/POST /checkout/<id>), whose choice follows the same webhook path.
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { paymentProviderFor } from '../integrations/payments';
import { PaymentProviderError } from '../integrations/payments/provider';
import { CHECKOUT_OUTCOMES, chooseTestOutcome, readTestPayment, type CheckoutOutcome } from '../integrations/payments/test-provider';
import { receivePaymentWebhook, type PaymentWebhookDeps } from '../services/payments/online-payments';
import { testCheckoutHtml } from './test-checkout-page';

/** Mollie's ids: `tr_` and letters and digits (the test provider's: `tr_test_` and hex). */
const PROVIDER_ID = /^tr_[A-Za-z0-9_]{1,64}$/;

function depsOf(app: AppServices): PaymentWebhookDeps {
  return { config: app.config, logger: app.logger.child({ webhook: 'payments' }), now: () => app.clock.now() };
}

/**
 * Answers: 200 for everything the provider need not send again (also an id we do not know: the poster learns nothing
 * about which ids exist), 400 for a post without an id, 503 while the provider cannot be asked (Mollie retries).
 */
export function paymentWebhookRouter(app: AppServices, orm: MikroORM): Router {
  const router = express.Router();
  const deps = depsOf(app);
  router.post('/', express.urlencoded({ extended: false, limit: '16kb', type: () => true }), async (req: Request, res: Response) => {
    const id = (req.body as Record<string, unknown> | undefined)?.id;
    if (typeof id !== 'string' || id === '') return void res.status(400).json({ error: 'id is missing' });
    if (!PROVIDER_ID.test(id)) {
      deps.logger.warn({ providerReference: id.slice(0, 100) }, 'payment webhook with an id that is no payment id; ignored');
      return void res.status(200).end();
    }
    try {
      await receivePaymentWebhook(orm.em, deps, id);
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error;
      deps.logger.warn({ err: error, providerReference: id }, 'the payment provider could not be asked about a payment; it will post again');
      return void res.status(503).json({ error: 'the payment provider could not be reached' });
    }
    res.status(200).end();
  });
  router.use(jsonErrors(deps));
  return router;
}

/** The test provider's checkout page; 404 while Mollie is configured (it would be a way to pay without paying). */
export function testCheckoutRouter(app: AppServices, orm: MikroORM): Router {
  const router = express.Router();
  const deps = depsOf(app);
  const off = app.config.mollie !== null;
  const page = (res: Response, status: number, html: string) => {
    res.status(status);
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(html);
  };

  router.get('/:id', async (req: Request, res: Response) => {
    const payment = off ? null : await readTestPayment(orm.em.fork(), String(req.params.id));
    if (!payment) return page(res, 404, testCheckoutHtml(null));
    page(res, 200, testCheckoutHtml(payment));
  });

  router.post('/:id', express.urlencoded({ extended: false, limit: '4kb' }), async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const outcome = (req.body as Record<string, unknown> | undefined)?.outcome;
    const payment = off ? null : await readTestPayment(orm.em.fork(), id);
    if (!payment) return page(res, 404, testCheckoutHtml(null));
    if (typeof outcome !== 'string' || !(outcome in CHECKOUT_OUTCOMES)) return page(res, 400, testCheckoutHtml(payment, 'Choose pay, fail or cancel.'));
    await chooseTestOutcome(orm.em.fork(), id, outcome as CheckoutOutcome);
    // What Mollie does next: post the webhook (here in-process, through the same handler), then send the debtor back.
    await receivePaymentWebhook(orm.em, { ...deps, provider: paymentProviderFor(app.config) }, id);
    res.redirect(303, payment.redirect_url);
  });
  router.use(jsonErrors(deps));
  return router;
}

function jsonErrors(deps: PaymentWebhookDeps): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const status = (error as { status?: number }).status;
    if (status === 413) return void res.status(413).json({ error: 'request body too large' });
    if (typeof status === 'number' && status >= 400 && status < 500) return void res.status(status).json({ error: 'malformed request body' });
    deps.logger.error({ err: error }, 'payment webhook or checkout failed');
    res.status(500).json({ error: 'internal error' });
  };
}
