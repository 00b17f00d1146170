// Which network addresses an import source may reach: the server must not be a way into its own network (SSRF).
import { BlockList, isIP, isIPv4 } from 'node:net';

export type AddressRule =
  | 'loopback'
  | 'private'
  | 'carrier-grade NAT'
  | 'link-local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved';

export interface AddressPolicy {
  /** IMPORT_ALLOW_PRIVATE_URLS: an on-premises bookkeeping server on the company's own network. */
  allowPrivate: boolean;
}

/**
 * Rules the allow switch lifts: where an on-premises server can live. Link-local (the cloud
 * metadata service), multicast, unspecified (0.0.0.0 reaches this very host) and broadcast
 * stay refused: no bookkeeping server is reached that way.
 */
const LIFTED_BY_ALLOW_PRIVATE = new Set<AddressRule>(['loopback', 'private', 'carrier-grade NAT']);

function blockList(subnets: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, isIPv4(network) ? 'ipv4' : 'ipv6');
  return list;
}

// Checked in this order; the first match names the rule.
const V4_RULES: [AddressRule, BlockList][] = [
  ['unspecified', blockList([['0.0.0.0', 8]])],
  ['loopback', blockList([['127.0.0.0', 8]])],
  ['private', blockList([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]])],
  ['carrier-grade NAT', blockList([['100.64.0.0', 10]])],
  ['link-local', blockList([['169.254.0.0', 16]])],
  ['multicast', blockList([['224.0.0.0', 4]])],
  ['broadcast', blockList([['255.255.255.255', 32]])],
  ['reserved', blockList([['240.0.0.0', 4]])],
];

const V6_RULES: [AddressRule, BlockList][] = [
  ['unspecified', blockList([['::', 128]])],
  ['loopback', blockList([['::1', 128]])],
  // fec0::/10 is the deprecated site-local range: private by another name.
  ['private', blockList([['fc00::', 7], ['fec0::', 10]])],
  ['link-local', blockList([['fe80::', 10]])],
  ['multicast', blockList([['ff00::', 8]])],
];

/** The 8 groups of an IPv6 address as numbers (the address must be valid, e.g. from net.isIP). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  return tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const v4FromGroups = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 address an IPv6 address carries, where it is one of the forms that reach that IPv4
 * address: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d)
 * and 6to4 (2002:aabb:ccdd::).
 */
export function embeddedIPv4(address: string): string | null {
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4FromGroups(g[6], g[7]);
  if (zeros(0, 6) && (g[6] !== 0 || g[7] > 1)) return v4FromGroups(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4FromGroups(g[6], g[7]);
  if (g[0] === 0x2002) return v4FromGroups(g[1], g[2]);
  return null;
}

/** The rule an address falls under, or null for an ordinary public address. Throws on a non-address. */
export function classifyAddress(address: string): AddressRule | null {
  const version = isIP(address.split('%')[0]);
  if (version === 0) throw new Error(`not an IP address: ${address}`);
  if (version === 4) return V4_RULES.find(([, list]) => list.check(address, 'ipv4'))?.[0] ?? null;
  const v4 = embeddedIPv4(address);
  if (v4 !== null) return classifyAddress(v4);
  const plain = address.split('%')[0];
  return V6_RULES.find(([, list]) => list.check(plain, 'ipv6'))?.[0] ?? null;
}

/** Why the policy refuses a connection to this address ("loopback address 127.0.0.1 is not allowed"), or null. */
export function addressRefusal(address: string, policy: AddressPolicy): string | null {
  const rule = classifyAddress(address);
  if (rule === null || (policy.allowPrivate && LIFTED_BY_ALLOW_PRIVATE.has(rule))) return null;
  const v4 = isIP(address) === 6 ? embeddedIPv4(address) : null;
  const metadata = address === '169.254.169.254' || v4 === '169.254.169.254' ? ' (cloud metadata)' : '';
  return `${rule} address ${address}${v4 ? ` (${v4})` : ''}${metadata} is not allowed`;
}

/**
 * What can be judged from a URL's host before any lookup: a literal address, or a name that
 * always means this machine (localhost, *.localhost: RFC 6761). Other names are checked once
 * resolved, at fetch time. `hostname` is as WHATWG URL gives it (IPv6 in brackets, IPv4 normalised).
 */
export function hostRefusal(hostname: string, policy: AddressPolicy): string | null {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  if (isIP(host)) return addressRefusal(host, policy);
  if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowPrivate) return `loopback name ${hostname} is not allowed`;
  return null;
}
