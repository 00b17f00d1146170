import { createPortalLinks } from './portal-access';

const DEBTOR = '0190f0a2-1111-7000-8000-00000000abcd';
const NONCE = 'a'.repeat(64);
const CURRENT = 'current-key-of-at-least-32-characters!!';
const OLD = 'old-key-of-at-least-32-characters-too!!!';

describe('portal links', () => {
  it('names the debtor and proves itself with an HMAC of the nonce', () => {
    const links = createPortalLinks([CURRENT], 'https://credit.example.test');
    const url = links.urlOf(DEBTOR, NONCE);
    const token = url.split('/').at(-1)!;
    expect(url).toMatch(/^https:\/\/credit\.example\.test\/portal\/[0-9a-f]{96}$/);
    expect(links.debtorIdOf(token)).toBe(DEBTOR);
    expect(links.matches(token, DEBTOR, NONCE)).toBe(true);
    expect(links.matches(token, DEBTOR, 'b'.repeat(64))).toBe(false);
    expect(links.debtorIdOf(token.toUpperCase())).toBeNull();
    expect(links.debtorIdOf(`${token}0`)).toBeNull();
  });

  it('keeps links of an old key working while the key is rotated, and makes new ones with the new key', () => {
    const before = createPortalLinks([OLD], 'https://x.test').urlOf(DEBTOR, NONCE).split('/').at(-1)!;
    const rotating = createPortalLinks([CURRENT, OLD], 'https://x.test');
    expect(rotating.matches(before, DEBTOR, NONCE)).toBe(true);
    expect(rotating.urlOf(DEBTOR, NONCE)).not.toContain(before);
    expect(createPortalLinks([CURRENT], 'https://x.test').matches(before, DEBTOR, NONCE)).toBe(false);
  });
});
