// Parses human-written decimal amounts (Dutch or English notation) into integer cents without floating point.

/**
 * Accepts `1234.56`, `1234`, `-12.5`, `1.234,56`, `1234,56`, `1,234.56`, `1.234.567`.
 * A single separator followed by exactly three digits (`1.500`) is treated as a decimal separator and
 * therefore rejected (more than 2 decimals): guessing "thousands" would be off by a factor 1000 when wrong.
 * Returns null when the text is not a valid amount.
 */
export function parseAmountCents(input: string): bigint | null {
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
