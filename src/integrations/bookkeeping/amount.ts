// Parses human-written decimal amounts (Dutch or English notation) into integer cents without floating point.

/**
 * Accepts `1234.56`, `1234`, `-12.5`, `1.234,56`, `1234,56`, `1,234.56`, `1.234.567`.
 * A single separator followed by exactly three digits (`1.500`) is treated as a decimal separator and
 * therefore rejected (more than 2 decimals): guessing "thousands" would be off by a factor 1000 when wrong.
 * Returns null when the text is not a valid amount.
 */
export function parseAmountCents(input: string): bigint | null {
  const simple = simpleCents(input);
  if (simple !== undefined) return simple;
  const match = /^([+-]?)(\d[\d.,]*)$/.exec(input.trim());
  if (!match) return null;
  const [, sign, body] = match;

  const lastDot = body.lastIndexOf('.');
  const lastComma = body.lastIndexOf(',');
  let integerPart: string;
  let fraction: string;

  if (lastDot >= 0 && lastComma >= 0) {
    // Both present: whichever comes last is the decimal separator, the other groups thousands.
    const decimalSep = lastDot > lastComma ? '.' : ',';
    const thousandsSep = decimalSep === '.' ? ',' : '.';
    const decimalAt = body.lastIndexOf(decimalSep);
    const grouped = body.slice(0, decimalAt);
    fraction = body.slice(decimalAt + 1);
    if (!/^\d*$/.test(fraction)) return null;
    const digits = ungroup(grouped, thousandsSep);
    if (digits === null) return null;
    integerPart = digits;
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const parts = body.split(sep);
    if (parts.length > 2) {
      // Repeated separator can only be thousands grouping.
      const digits = ungroup(body, sep);
      if (digits === null) return null;
      integerPart = digits;
      fraction = '';
    } else {
      [integerPart, fraction] = parts;
    }
  } else {
    integerPart = body;
    fraction = '';
  }

  if (!/^\d+$/.test(integerPart) || !/^\d*$/.test(fraction) || fraction.length > 2) return null;
  const cents = BigInt(integerPart) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}

/** Removes thousands separators, insisting on groups of exactly three digits so typos are not silently accepted. */
function ungroup(text: string, sep: string): string | null {
  const groups = text.split(sep);
  if (!/^\d{1,3}$/.test(groups[0])) return null;
  for (const group of groups.slice(1)) if (!/^\d{3}$/.test(group)) return null;
  return groups.join('');
}

/**
 * The forms nearly every export uses (`1234`, `-1234,5`, `1234.56`), read without regular expressions or string
 * splitting: an import parses two amounts a row. Undefined for anything else, which the general rules decide.
 */
function simpleCents(input: string): bigint | undefined {
  const length = input.length;
  const first = input.charCodeAt(0);
  let i = first === 0x2d || first === 0x2b ? 1 : 0;
  const start = i;
  let cents = 0;
  for (; i < length; i += 1) {
    const digit = input.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) break;
    cents = cents * 10 + digit;
  }
  // Up to 13 digits: the cents stay exact in a double.
  if (i === start || i - start > 13) return undefined;
  cents *= 100;
  if (i < length) {
    const separator = input.charCodeAt(i);
    const decimals = length - i - 1;
    if ((separator !== 0x2e && separator !== 0x2c) || decimals < 1 || decimals > 2) return undefined;
    const tens = input.charCodeAt(i + 1) - 0x30;
    const ones = decimals === 2 ? input.charCodeAt(i + 2) - 0x30 : 0;
    if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return undefined;
    cents += tens * 10 + ones;
  }
  return BigInt(first === 0x2d ? -cents : cents);
}
