// A fake Twilio on 127.0.0.1 that speaks its Messages API: POST /2010-04-01/Accounts/<sid>/Messages.json, a form
// with To, From and Body, basic auth <sid>:<token>. It answers 201 with a Message resource as Twilio does, or an
// error on demand, and records every accepted SMS (the tests read the codes from it).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  sid: string;
  to: string;
  from: string;
  body: string;
}

export interface FakeTwilio {
  url: string;
  accepted: ReceivedSms[];
  requests: number;
  /** The next `count` requests get this status with Twilio's error body. */
  failNext(count: number, status: number): void;
  env(): Record<string, string>;
  waitForAccepted(count: number, timeoutMs?: number): Promise<ReceivedSms[]>;
  /** The 6-digit code of the latest SMS to `to`. */
  latestCode(to: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-test-auth-token';
const FROM = '+3197010000000';

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const accepted: ReceivedSms[] = [];
  const failures: number[] = [];
  let requests = 0;
  const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

  const server = http.createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests += 1;
    if (req.headers.authorization !== expectedAuth) {
      answer(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      return;
    }
    if (req.method !== 'POST' || req.url !== path || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      answer(404, { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
      return;
    }
    const failure = failures.shift();
    if (failure !== undefined) {
      answer(failure, { code: failure >= 500 ? 20500 : 21211, message: failure >= 500 ? 'Internal Server Error' : "The 'To' number is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors', status: failure });
      return;
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const sms = { sid: `SM${randomBytes(16).toString('hex')}`, to: form.get('To') ?? '', from: form.get('From') ?? '', body: form.get('Body') ?? '' };
    accepted.push(sms);
    const now = new Date().toUTCString();
    answer(201, {
      account_sid: ACCOUNT_SID,
      api_version: '2010-04-01',
      body: sms.body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: sms.from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: sms.sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sms.sid}/Media.json` },
      to: sms.to,
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sms.sid}.json`,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const waitForAccepted = async (count: number, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (accepted.length < count) {
      if (Date.now() > deadline) throw new Error(`fake Twilio: ${accepted.length} of ${count} SMS after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return accepted;
  };

  return {
    url,
    accepted,
    get requests() {
      return requests;
    },
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    env: () => ({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM: FROM, TWILIO_API_URL: url }),
    waitForAccepted,
    async latestCode(to, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const sms = accepted.filter((s) => s.to === to).at(-1);
        const code = sms && /\b(\d{6})\b/.exec(sms.body)?.[1];
        if (code) return code;
        if (Date.now() > deadline) throw new Error(`fake Twilio: no code for ${to} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
