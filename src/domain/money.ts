// Money: integer cents <-> Decimal strings without floating point, and sums that never mix currencies.
export function centsToDecimal(cents: bigint | number | string): string {
  const value = BigInt(cents);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Parses a Decimal string ("12", "12.3", "-12.34") into cents. */
export function decimalToCents(decimal: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(decimal.trim());
  if (!match) throw new Error(`not a decimal amount: ${decimal}`);
  const cents = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

export interface Money {
  amount: string;
  currency: string;
}

/**
 * Sums kept apart per currency, as the contract's `[Money!]!` lists: the administration's own currency
 * first, then alphabetically. Currencies whose sum is zero are left out.
 */
export function moneyPerCurrency(sums: ReadonlyMap<string, bigint>, primaryCurrency: string): Money[] {
  return [...sums]
    .filter(([, cents]) => cents !== 0n)
    .sort(([a], [b]) => (a === primaryCurrency ? -1 : b === primaryCurrency ? 1 : a.localeCompare(b)))
    .map(([currency, cents]) => ({ amount: centsToDecimal(cents), currency }));
}

/** Adds `cents` to the currency's running sum. */
export function addTo(sums: Map<string, bigint>, currency: string, cents: bigint): void {
  sums.set(currency, (sums.get(currency) ?? 0n) + cents);
}
