// An HTTP(S) GET that reaches only addresses a policy allows, for URLs a tenant chose (SSRF guard).
//
// Each hop's host is resolved once, every address it resolves to is checked, and the connection is
// pinned to the checked address through a custom `lookup`: no second DNS answer (DNS rebinding) can
// move it. The Host header and the TLS server name stay the URL's host name, so virtual hosts and
// certificates work as usual. Redirects are followed by hand, each hop checked again.
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

export class FetchError extends Error {}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface GuardedGetOptions {
  /** Why an address may not be reached (a message naming the rule), or null when it may. */
  refusal(address: string): string | null;
  /** Resolves a host name to all its addresses; dns.lookup by default (the system resolver, /etc/hosts included). */
  resolve?(hostname: string): Promise<ResolvedAddress[]>;
  headers?: Record<string, string>;
  maxRedirects?: number;
  connectTimeoutMs?: number;
  /** Aborts the whole exchange: the total timeout. */
  signal?: AbortSignal;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const systemResolve = (hostname: string): Promise<ResolvedAddress[]> => dnsLookup(hostname, { all: true, verbatim: true });

/** A `lookup` for http(s).request that answers with the already checked address only. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
}

async function checkedAddress(url: URL, options: GuardedGetOptions, hop: number): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const what = hop === 0 ? 'The source URL' : `The redirect to ${url.origin}`;
  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolve)(host);
    } catch (error) {
      throw new FetchError(`${what} could not be reached: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} for ${host}`);
    }
    if (addresses.length === 0) throw new FetchError(`${what} could not be reached: ${host} has no address`);
  }
  // Every address, not just the one used: a name mixing public and internal addresses is refused whole.
  for (const { address } of addresses) {
    const refusal = options.refusal(address);
    if (refusal) throw new FetchError(`${what} is refused: ${refusal}${isIP(host) ? '' : ` (${host} resolves to it)`}`);
  }
  return addresses[0];
}

function request(url: URL, pinned: ResolvedAddress, headers: Record<string, string>, options: GuardedGetOptions): Promise<http.IncomingMessage> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'GET',
      headers,
      lookup: pinnedLookup(pinned),
      // A fresh connection per request: a pooled socket could belong to another check.
      agent: false,
      signal: options.signal,
    });
    const connectTimer = setTimeout(
      () => req.destroy(new FetchError(`The source could not be reached: no connection to ${url.host} within ${connectTimeoutMs / 1000} s`)),
      connectTimeoutMs,
    );
    req.once('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    req.once('response', (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    req.once('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    req.end();
  });
}

/**
 * GETs `target`, following at most `maxRedirects` (3) redirects, and returns the final response,
 * whatever its status; the caller reads or discards its body. Refusals and failures are FetchErrors.
 */
export async function guardedGet(target: string, options: GuardedGetOptions): Promise<http.IncomingMessage> {
  const maxRedirects = options.maxRedirects ?? 3;
  let url = new URL(target);
  let headers = { ...options.headers };
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError(`The source redirected to a ${url.protocol} URL`);
    const pinned = await checkedAddress(url, options, hop);
    let response: http.IncomingMessage;
    try {
      response = await request(url, pinned, headers, options);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      if (options.signal?.aborted) throw new FetchError('The source did not answer in time');
      throw new FetchError(`The source could not be reached: ${(error as Error).message}`);
    }
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || !location) return response;
    response.destroy();
    if (hop >= maxRedirects) throw new FetchError(`The source redirected more than ${maxRedirects} times`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new FetchError('The source redirected to an invalid URL');
    }
    // As browsers and fetch do: credentials are not handed to another origin.
    if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
    url = next;
  }
}
