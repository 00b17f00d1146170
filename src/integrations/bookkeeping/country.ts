// Resolves a debtor country (ISO code or an English/Dutch country name) to an ISO 3166-1 alpha-2 code.
import { getCountries, type CountryCode } from 'libphonenumber-js/max';

// libphonenumber's country list is the ISO 3166-1 alpha-2 set (plus a few telephone-only territories), which avoids
// accepting Intl pseudo-regions such as "EU" or "UN".
const CODES = new Set<string>(getCountries());
const ALIASES = new Map<string, string>([['UK', 'GB']]);

let namesToCodes: Map<string, string> | undefined;

/** Exports from Dutch bookkeeping packages often write "Nederland" or "Belgium" instead of a code. */
function countryNames(): Map<string, string> {
  if (!namesToCodes) {
    namesToCodes = new Map();
    for (const locale of ['en', 'nl']) {
      const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
      for (const code of CODES) {
        const name = names.of(code);
        if (name) namesToCodes.set(name.toLocaleLowerCase(locale), code);
      }
    }
  }
  return namesToCodes;
}

/** Returns the upper-case alpha-2 code, or null when the text is not a known country. */
export function normalizeCountry(input: string): string | null {
  const text = input.trim();
  const upper = text.toUpperCase();
  if (CODES.has(upper)) return upper;
  if (ALIASES.has(upper)) return ALIASES.get(upper) ?? null;
  return countryNames().get(text.toLowerCase()) ?? null;
}

/** Whether the text is a country code libphonenumber can use as the default dialling region. */
export function isCountryCode(code: string | null): code is CountryCode {
  return code !== null && CODES.has(code);
}
