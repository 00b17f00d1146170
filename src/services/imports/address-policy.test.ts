// Unit tests for classifying the addresses an import source may (not) reach.
import { addressRefusal, classifyAddress, embeddedIPv4, hostRefusal } from './address-policy';

describe('classifyAddress', () => {
  it.each([
    // IPv4
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    // IPv6
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fd00:ec2::254', 'private'], // the AWS IPv6 metadata address
    ['fec0::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['FF05::2', 'multicast'],
    // IPv4 inside IPv6
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
  ])('%s is %s', (address, rule) => {
    expect(classifyAddress(address)).toBe(rule);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '223.255.255.255',
    '11.0.0.1',
    '192.169.0.1',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    'fbff::1',
    'fe7f::1',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('refuses what is not an address', () => {
    expect(() => classifyAddress('example.com')).toThrow('not an IP address');
  });
});

describe('embeddedIPv4', () => {
  it.each([
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['64:ff9b::c000:201', '192.0.2.1'],
    ['2002:c000:0201::', '192.0.2.1'],
    ['::1', null],
    ['::', null],
    ['2001:db8::1', null],
  ])('%s carries %s', (address, v4) => {
    expect(embeddedIPv4(address)).toBe(v4);
  });
});

describe('addressRefusal', () => {
  const strict = { allowPrivate: false };
  const onPremises = { allowPrivate: true };

  it('names the rule and the address', () => {
    expect(addressRefusal('127.0.0.1', strict)).toBe('loopback address 127.0.0.1 is not allowed');
    expect(addressRefusal('::ffff:7f00:1', strict)).toBe('loopback address ::ffff:7f00:1 (127.0.0.1) is not allowed');
    expect(addressRefusal('169.254.169.254', strict)).toBe('link-local address 169.254.169.254 (cloud metadata) is not allowed');
    expect(addressRefusal('fd00::5', strict)).toBe('private address fd00::5 is not allowed');
    expect(addressRefusal('8.8.8.8', strict)).toBeNull();
  });

  it('lets the allow switch through loopback, private and carrier-grade NAT only', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '192.168.0.1', 'fd00::1', '100.64.0.1']) {
      expect(addressRefusal(address, onPremises)).toBeNull();
    }
    expect(addressRefusal('169.254.169.254', onPremises)).toMatch(/^link-local/);
    expect(addressRefusal('::ffff:169.254.169.254', onPremises)).toMatch(/^link-local/);
    expect(addressRefusal('fe80::1', onPremises)).toMatch(/^link-local/);
    expect(addressRefusal('0.0.0.0', onPremises)).toMatch(/^unspecified/);
    expect(addressRefusal('::', onPremises)).toMatch(/^unspecified/);
    expect(addressRefusal('224.0.0.1', onPremises)).toMatch(/^multicast/);
    expect(addressRefusal('255.255.255.255', onPremises)).toMatch(/^broadcast/);
  });
});

describe('hostRefusal', () => {
  const strict = { allowPrivate: false };

  it.each([
    ['127.0.0.1', 'loopback address 127.0.0.1 is not allowed'],
    ['[::1]', 'loopback address ::1 is not allowed'],
    ['[::ffff:7f00:1]', 'loopback address ::ffff:7f00:1 (127.0.0.1) is not allowed'],
    ['localhost', 'loopback name localhost is not allowed'],
    ['localhost.', 'loopback name localhost. is not allowed'],
    ['api.localhost', 'loopback name api.localhost is not allowed'],
    ['10.0.0.1', 'private address 10.0.0.1 is not allowed'],
  ])('refuses %s', (host, message) => {
    expect(hostRefusal(host, strict)).toBe(message);
  });

  it.each(['bookkeeping.example.com', 'localhost.example.com', 'mylocalhost', '8.8.8.8', '[2001:4860:4860::8888]'])('leaves %s to fetch time', (host) => {
    expect(hostRefusal(host, strict)).toBeNull();
  });

  it('lets localhost through with the allow switch, not the metadata address', () => {
    expect(hostRefusal('localhost', { allowPrivate: true })).toBeNull();
    expect(hostRefusal('169.254.169.254', { allowPrivate: true })).toMatch(/^link-local/);
  });
});
