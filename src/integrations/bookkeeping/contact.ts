// Normalises debtor contact details (e-mail, phone) the same way for every import source.
// The "max" metadata really validates numbers; the default "min" set accepts e.g. "12345" as a valid Dutch number.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

// Deliberately loose: it catches obvious mistakes (missing @, spaces, no domain) without rejecting valid rare forms.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** Returns the trimmed, lower-cased address, or null when it does not look like an e-mail address. */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  return EMAIL.test(email) ? email : null;
}

/**
 * Returns the number in E.164 when libphonenumber recognises it as a valid number for the default country, otherwise
 * the trimmed original: a phone number we cannot interpret is still useful to a human, so it is not an import error.
 */
export function normalizePhone(input: string, defaultCountry: CountryCode): string {
  const text = input.trim();
  const key = `${defaultCountry} ${text}`;
  let normalized = recentPhones.get(key);
  if (normalized === undefined) {
    const parsed = parsePhoneNumberFromString(text, defaultCountry);
    normalized = parsed?.isValid() ? parsed.number : text;
    if (recentPhones.size >= MAX_RECENT_PHONES) recentPhones.clear();
    recentPhones.set(key, normalized);
  }
  return normalized;
}

// A debtor's phone comes again with each of its invoices, and parsing one costs far more than a lookup.
const MAX_RECENT_PHONES = 50_000;
const recentPhones = new Map<string, string>();
