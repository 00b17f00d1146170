// A fake Mailgun on 127.0.0.1 that speaks its wire format for sending: POST /v3/<domain>/messages, a multipart form,
// basic auth api:<key>. It records every form it receives and answers as Mailgun does, or with an error on demand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface ReceivedEmail {
  domain: string;
  /** Every field, each with all its values (to, cc, bcc and o:tag may repeat). */
  fields: Record<string, string[]>;
  attachments: ReceivedAttachment[];
  /** The id the fake answered with. */
  id: string;
  /** `v:message-id`: our message id. */
  messageId: string;
  field(name: string): string | undefined;
}

export interface FakeMailgun {
  url: string;
  domain: string;
  apiKey: string;
  /** Accepted emails, in order. */
  accepted: ReceivedEmail[];
  /** Every request that reached the fake, also those it answered with an error. */
  requests: number;
  /** The next `count` requests get this status and body instead of being accepted. */
  failNext(count: number, status: number, body?: Record<string, unknown>): void;
  /**
   * Holds each request this long before answering. A request whose client has gone meanwhile (its process was
   * killed) is not accepted: Mailgun never answered it, as when a connection breaks before the answer.
   */
  delayMs: number;
  env(): Record<string, string>;
  /** Waits until `count` emails were accepted. */
  waitForAccepted(count: number, timeoutMs?: number): Promise<ReceivedEmail[]>;
  close(): Promise<void>;
}

export async function startFakeMailgun(domain = 'mg.example.test', apiKey = 'key-test-0123456789'): Promise<FakeMailgun> {
  const accepted: ReceivedEmail[] = [];
  const failures: { status: number; body: Record<string, unknown> }[] = [];
  let requests = 0;
  let sequence = 0;
  let delayMs = 0;
  const expectedAuth = `Basic ${Buffer.from(`api:${apiKey}`).toString('base64')}`;

  const server = http.createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests += 1;
    const match = /^\/v3\/([^/]+)\/messages$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return answer(404, { message: 'Not found' });
    if (req.headers.authorization !== expectedAuth) return answer(401, { message: 'Invalid private key' });
    if (delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (req.socket.destroyed) return;
    }
    const failure = failures.shift();
    if (failure) return answer(failure.status, failure.body);
    // Node's own multipart parser (undici), as Mailgun's would: fields and files.
    const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
    const fields: Record<string, string[]> = {};
    const attachments: ReceivedAttachment[] = [];
    for (const [name, value] of form as unknown as Iterable<[string, string | File]>) {
      if (typeof value === 'string') (fields[name] ??= []).push(value);
      else attachments.push({ filename: value.name, contentType: value.type, content: Buffer.from(await value.arrayBuffer()) });
    }
    if (!fields.from || !fields.to || !fields.subject) return answer(400, { message: "'from', 'to' and 'subject' are required" });
    sequence += 1;
    const id = `<20260302100000.${sequence}.fake@${match[1]}>`;
    accepted.push({
      domain: match[1],
      fields,
      attachments,
      id,
      messageId: fields['v:message-id']?.[0] ?? '',
      field: (name) => fields[name]?.[0],
    });
    answer(200, { id, message: 'Queued. Thank you.' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    domain,
    apiKey,
    accepted,
    get requests() {
      return requests;
    },
    get delayMs() {
      return delayMs;
    },
    set delayMs(value: number) {
      delayMs = value;
    },
    failNext(count, status, body = { message: `Fake failure ${status}` }) {
      for (let i = 0; i < count; i++) failures.push({ status, body });
    },
    env: () => ({ MAILGUN_API_KEY: apiKey, MAILGUN_DOMAIN: domain, MAILGUN_URL: url }),
    async waitForAccepted(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted.length < count) {
        if (Date.now() > deadline) throw new Error(`fake Mailgun got ${accepted.length} emails, expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
