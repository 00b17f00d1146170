// Amounts as Mollie writes them: a decimal string with exactly the currency's decimals ('123.45', JPY '1234').
import { minorDigits } from '../../domain/currencies';

/** Our cents (hundredths of the unit, whatever the currency) as Mollie's value string. */
export function mollieValue(cents: bigint, currency: string): string {
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  const digits = minorDigits(currency);
  if (digits === 0) return whole.toString();
  return `${whole}.${fraction.padEnd(digits, '0')}`;
}

/** Mollie's value string back to our cents; null for anything else. */
export function centsOfMollieValue(value: unknown): bigint | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d+)(?:\.(\d{1,3}))?$/.exec(value);
  if (!match) return null;
  const fraction = (match[2] ?? '').padEnd(2, '0');
  // A third decimal (KWD) beyond our cents is dropped: amounts we create never have one.
  return BigInt(match[1]) * 100n + BigInt(fraction.slice(0, 2));
}
