// A fake Mollie on 127.0.0.1 that speaks its Payments API as documented (docs.mollie.com/reference/create-payment,
// get-payment): POST /v2/payments and GET /v2/payments/:id, JSON (HAL) resources, Bearer API key, Idempotency-Key,
// and Mollie's error body ({ status, title, detail, field, _links }). The Mollie client only speaks https and trusts
// only its bundled CA list, so the fake serves https with a self-signed certificate made for this run by the openssl
// CLI (nothing is committed); the server process under test runs with NODE_TLS_REJECT_UNAUTHORIZED=0.
import https from 'node:https';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type MollieStatus = 'open' | 'pending' | 'authorized' | 'paid' | 'failed' | 'canceled' | 'expired';

export interface FakeMolliePayment {
  id: string;
  status: MollieStatus;
  amount: { currency: string; value: string };
  amountRefunded: string;
  description: string;
  redirectUrl: string;
  webhookUrl: string;
  metadata: unknown;
  method: string | null;
  createdAt: string;
  paidAt: string | null;
}

export interface FakeMollie {
  /** The MOLLIE_API_URL for the server under test. */
  apiUrl: string;
  apiKey: string;
  payments: Map<string, FakeMolliePayment>;
  /** Every create request's JSON body, in order (also refused ones). */
  createRequests: Record<string, unknown>[];
  /** The Idempotency-Key header of every create request, in order. */
  idempotencyKeys: string[];
  /** Requests whose Bearer key was wrong. */
  unauthorized: number;
  /** The next `count` create calls are answered with this status and Mollie's error body. */
  failNextCreate(count: number, status: number, detail?: string): void;
  /** The debtor's bank answers: the payment's status moves (and paidAt, method for paid). */
  setStatus(id: string, status: MollieStatus): void;
  /** A refund made in Mollie's dashboard: amountRefunded grows by this value ('25.00'). */
  refund(id: string, value: string): void;
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI in a temporary directory and removed again. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-mollie-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      '/usr/bin/openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const DOCS = { documentation: { href: 'https://docs.mollie.com/overview/handling-errors', type: 'text/html' } };
const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized Request', 404: 'Not Found', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function cents(value: string): number {
  return Math.round(Number(value) * 100);
}

export async function startFakeMollie(apiKey = `test_${randomBytes(15).toString('hex').slice(0, 30)}`): Promise<FakeMollie> {
  const payments = new Map<string, FakeMolliePayment>();
  const byIdempotencyKey = new Map<string, string>();
  const createRequests: Record<string, unknown>[] = [];
  const idempotencyKeys: string[] = [];
  const failures: { status: number; detail: string }[] = [];
  let unauthorized = 0;
  let base = '';

  const resource = (p: FakeMolliePayment) => {
    const refunded = cents(p.amountRefunded);
    return {
      resource: 'payment',
      id: p.id,
      mode: 'test',
      createdAt: p.createdAt,
      amount: p.amount,
      description: p.description,
      method: p.method,
      metadata: p.metadata,
      status: p.status,
      isCancelable: p.status === 'open',
      ...(p.status === 'open' ? { expiresAt: new Date(Date.parse(p.createdAt) + 15 * 60_000).toISOString() } : {}),
      ...(p.paidAt ? { paidAt: p.paidAt } : {}),
      ...(p.status === 'paid'
        ? {
            amountRefunded: { value: p.amountRefunded, currency: p.amount.currency },
            amountRemaining: { value: ((cents(p.amount.value) - refunded) / 100).toFixed(2), currency: p.amount.currency },
          }
        : {}),
      locale: 'nl_NL',
      profileId: 'pfl_QkEhN94Ba',
      sequenceType: 'oneoff',
      redirectUrl: p.redirectUrl,
      webhookUrl: p.webhookUrl,
      _links: {
        self: { href: `${base}/v2/payments/${p.id}`, type: 'application/hal+json' },
        ...(p.status === 'open' ? { checkout: { href: `https://www.mollie.com/checkout/select-method/${p.id.slice(3)}`, type: 'text/html' } } : {}),
        dashboard: { href: `https://www.mollie.com/dashboard/org_12345678/payments/${p.id}`, type: 'text/html' },
        documentation: { href: 'https://docs.mollie.com/reference/get-payment', type: 'text/html' },
      },
    };
  };

  const server = https.createServer(selfSignedCertificate(), async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': status < 300 ? 'application/hal+json' : 'application/problem+json', 'retry-after': '0' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, detail: string, field?: string) => answer(status, { status, title: TITLES[status] ?? 'Error', detail, ...(field ? { field } : {}), _links: DOCS });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      unauthorized += 1;
      return error(401, 'Missing authentication, or failed to authenticate');
    }
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/v2/payments') {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return error(400, 'The request body is not valid JSON');
      }
      createRequests.push(body);
      idempotencyKeys.push(String(req.headers['idempotency-key'] ?? ''));
      const failure = failures.shift();
      if (failure) return error(failure.status, failure.detail);
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && byIdempotencyKey.has(key)) return answer(201, resource(payments.get(byIdempotencyKey.get(key)!)!));
      const amount = body.amount as { currency?: unknown; value?: unknown } | undefined;
      if (!amount || typeof amount.currency !== 'string' || typeof amount.value !== 'string' || !/^\d+\.\d{2}$/.test(amount.value)) {
        return error(422, 'The amount contains an invalid value', 'amount.value');
      }
      if (typeof body.description !== 'string' || body.description === '' || body.description.length > 255) return error(422, 'The description is invalid', 'description');
      if (typeof body.redirectUrl !== 'string') return error(422, 'The redirect URL is invalid', 'redirectUrl');
      const payment: FakeMolliePayment = {
        id: `tr_${randomBytes(5).toString('hex')}`,
        status: 'open',
        amount: { currency: amount.currency, value: amount.value },
        amountRefunded: '0.00',
        description: body.description,
        redirectUrl: body.redirectUrl,
        webhookUrl: String(body.webhookUrl ?? ''),
        metadata: body.metadata ?? null,
        method: null,
        createdAt: new Date().toISOString(),
        paidAt: null,
      };
      payments.set(payment.id, payment);
      if (typeof key === 'string') byIdempotencyKey.set(key, payment.id);
      return answer(201, resource(payment));
    }
    const get = /^\/v2\/payments\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && get) {
      const payment = payments.get(get[1]);
      if (!payment) return error(404, `No payment exists with token ${get[1]}.`);
      return answer(200, resource(payment));
    }
    error(404, 'The resource does not exist');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const find = (id: string) => {
    const payment = payments.get(id);
    if (!payment) throw new Error(`fake Mollie has no payment ${id}`);
    return payment;
  };
  return {
    apiUrl: `${base}/v2`,
    apiKey,
    payments,
    createRequests,
    idempotencyKeys,
    get unauthorized() {
      return unauthorized;
    },
    failNextCreate(count, status, detail = `Fake failure ${status}`) {
      for (let i = 0; i < count; i++) failures.push({ status, detail });
    },
    setStatus(id, status) {
      const payment = find(id);
      payment.status = status;
      if (status === 'paid') {
        payment.paidAt = new Date().toISOString();
        payment.method = 'ideal';
      }
    },
    refund(id, value) {
      const payment = find(id);
      payment.amountRefunded = ((cents(payment.amountRefunded) + cents(value)) / 100).toFixed(2);
    },
    env: () => ({ MOLLIE_API_KEY: apiKey, MOLLIE_API_URL: `${base}/v2` }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
