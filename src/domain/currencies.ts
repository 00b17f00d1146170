// ISO 4217 currencies in circulation with their minor units, kept here rather than read from the runtime's ICU
// data: ICU also knows withdrawn codes (NLG, DEM) and its decimals follow CLDR display habits, not ISO.
// Fund and precious-metal codes (XAU, XDR, XTS…) are left out: nobody invoices in them.

const ZERO_DECIMALS = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE_DECIMALS = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR_DECIMALS = 'CLF UYW';
const TWO_DECIMALS = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD
  CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL
  HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
  MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS
  SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG`;

const MINOR_DIGITS = new Map<string, number>();
for (const [codes, digits] of [
  [ZERO_DECIMALS, 0],
  [TWO_DECIMALS, 2],
  [THREE_DECIMALS, 3],
  [FOUR_DECIMALS, 4],
] as const) {
  for (const code of codes.split(/\s+/)) MINOR_DIGITS.set(code, digits);
}

/** The upper-case ISO 4217 code, or null when the text is not a currency in circulation. */
export function isoCurrency(input: string): string | null {
  const code = input.trim().toUpperCase();
  return MINOR_DIGITS.has(code) ? code : null;
}

/** How many decimals an amount in this currency can have (JPY 0, EUR 2, KWD 3). */
export function minorDigits(code: string): number {
  const digits = MINOR_DIGITS.get(code);
  if (digits === undefined) throw new Error(`not an ISO 4217 currency: ${code}`);
  return digits;
}

/**
 * Whether an amount in cents (hundredths, how every amount is stored) is expressible in the currency:
 * 12.50 JPY is not, because the yen has no minor unit.
 */
export function fitsCurrency(cents: bigint, code: string): boolean {
  const digits = minorDigits(code);
  return digits >= 2 || cents % 10n ** BigInt(2 - digits) === 0n;
}
