// Unit tests for the guarded download: redirects re-checked, addresses pinned, limits kept. Real HTTP servers
// on 127.0.0.1; the address policy and the resolver are passed in, so a first hop can stand for a public server.
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { addressRefusal } from './address-policy';
import { fetchToTempFile, type SourceGuard } from './fetch-source';
import type { ResolvedAddress } from './guarded-get';

interface Recorded {
  url: string;
  host?: string;
  authorization?: string;
}

async function serve(handler: http.RequestListener) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url!, host: req.headers.host, authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, requests, origin: `http://127.0.0.1:${port}` };
}

type Served = Awaited<ReturnType<typeof serve>>;
const servers: Served[] = [];
async function start(handler: http.RequestListener): Promise<Served> {
  const served = await serve(handler);
  servers.push(served);
  return served;
}
afterEach(async () => {
  for (const { server } of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const strict = (address: string) => addressRefusal(address, { allowPrivate: false });
/** The real policy, except that the first address checked counts as public: the source's own server. */
function firstHopAllowed(): SourceGuard['refusal'] {
  let checks = 0;
  return (address) => (checks++ === 0 ? null : strict(address));
}

async function readAndRemove(file: string): Promise<string> {
  const text = await fs.promises.readFile(file, 'utf8');
  await fs.promises.rm(file);
  return text;
}

describe('fetchToTempFile', () => {
  it('refuses a redirect to a loopback URL without sending the target a request', async () => {
    const target = await start((_req, res) => void res.end('internal'));
    const source = await start((_req, res) => void res.writeHead(302, { location: `${target.origin}/admin` }).end());
    await expect(fetchToTempFile(`${source.origin}/export.csv`, null, { refusal: firstHopAllowed() })).rejects.toThrow(
      `The redirect to ${target.origin} is refused: loopback address 127.0.0.1 is not allowed`,
    );
    expect(source.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('refuses a host name with any internal address among its addresses, before connecting', async () => {
    const resolved: string[] = [];
    const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
      resolved.push(hostname);
      return [
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:10.0.0.7', family: 6 },
      ];
    };
    await expect(fetchToTempFile('http://bookkeeping.example/export.csv', null, { refusal: strict, resolve })).rejects.toThrow(
      'The source URL is refused: private address ::ffff:10.0.0.7 (10.0.0.7) is not allowed (bookkeeping.example resolves to it)',
    );
    expect(resolved).toEqual(['bookkeeping.example']);
  });

  it('connects to the address it checked, whatever a second lookup would say (DNS rebinding)', async () => {
    const source = await start((_req, res) => void res.end('externalId;amount\n'));
    const answers = ['127.0.0.1', '10.99.99.99'];
    let lookups = 0;
    const resolve = async (): Promise<ResolvedAddress[]> => [{ address: answers[Math.min(lookups++, 1)], family: 4 }];
    const guard: SourceGuard = { refusal: (address) => addressRefusal(address, { allowPrivate: true }), resolve, connectTimeoutMs: 2000 };
    const file = await fetchToTempFile(`http://rebind.test:${source.port}/export.csv`, 'Token t', guard);
    expect(await readAndRemove(file)).toBe('externalId;amount\n');
    expect(lookups).toBe(1);
    // Virtual hosts still work: the Host header is the URL's name, not the address.
    expect(source.requests).toEqual([{ url: '/export.csv', host: `rebind.test:${source.port}`, authorization: 'Token t' }]);
  });

  it('follows 3 redirects, refuses a 4th, and keeps the Authorization header within one origin only', async () => {
    const other = await start((_req, res) => void res.end('moved'));
    const source = await start((req, res) => {
      const step = Number(req.url!.slice(1));
      if (req.url === '/away') return void res.writeHead(307, { location: `${other.origin}/file` }).end();
      if (step < 10) return void res.writeHead(301, { location: `/${step + 1}` }).end();
      res.end('done');
    });
    const guard: SourceGuard = { refusal: (address) => addressRefusal(address, { allowPrivate: true }) };
    expect(await readAndRemove(await fetchToTempFile(`${source.origin}/7`, 'Token t', guard))).toBe('done');
    await expect(fetchToTempFile(`${source.origin}/6`, 'Token t', guard)).rejects.toThrow('The source redirected more than 3 times');
    expect(await readAndRemove(await fetchToTempFile(`${source.origin}/away`, 'Token t', guard))).toBe('moved');
    expect(source.requests.every((r) => r.authorization === 'Token t')).toBe(true);
    expect(other.requests).toEqual([{ url: '/file', host: `127.0.0.1:${other.port}`, authorization: undefined }]);
  });

  it('decompresses, and stops a body past 100 MB once decompressed', async () => {
    const big = zlib.gzipSync(Buffer.alloc(100 * 1024 * 1024 + 1));
    const source = await start((req, res) => {
      if (req.url === '/small') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('a;b\n'));
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(big);
    });
    const guard: SourceGuard = { refusal: (address) => addressRefusal(address, { allowPrivate: true }) };
    expect(await readAndRemove(await fetchToTempFile(`${source.origin}/small`, null, guard))).toBe('a;b\n');
    await expect(fetchToTempFile(`${source.origin}/big`, null, guard)).rejects.toThrow('The source file is larger than 100 MB');
  });

  it('gives up on a download that outlasts the total timeout', async () => {
    const source = await start((_req, res) => {
      res.writeHead(200);
      res.write('externalId;amount\n'); // and never ends
    });
    const guard: SourceGuard = { refusal: (address) => addressRefusal(address, { allowPrivate: true }), timeoutMs: 1000 };
    await expect(fetchToTempFile(`${source.origin}/slow`, null, guard)).rejects.toThrow('The download did not finish within 1 s');
  });
});
