// Email addresses as the API accepts them: one bare address (no display name), checked before anything is stored.

// A pragmatic subset of RFC 5321: a dot-atom local part and a domain of letters, digits and hyphens with a
// dot and a top-level label. Quoted local parts and IP literals are refused on purpose: no debtor has one,
// and they are where header injection hides.
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  if (local.length > 64 || !LOCAL.test(local)) return false;
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) && /^[a-z]{2,63}$/i.test(labels.at(-1)!);
}

/** `"Name" <address>` with the name quoted, so commas and quotes in a user's or administration's name stay in it. */
export function formatMailbox(displayName: string, address: string): string {
  const name = displayName.replace(/[\r\n]+/g, ' ').replace(/(["\\])/g, '\\$1');
  return `"${name}" <${address}>`;
}
