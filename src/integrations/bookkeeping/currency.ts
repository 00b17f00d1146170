// Validates ISO 4217 currency codes against the runtime's ICU data instead of a hand-maintained list.

let known: Set<string> | undefined;

/** Returns the upper-case code, or null when it is not a currency the runtime knows. */
export function normalizeCurrency(input: string): string | null {
  known ??= new Set(Intl.supportedValuesOf('currency'));
  const code = input.trim().toUpperCase();
  return known.has(code) ? code : null;
}
