// Splits a single address line ("Keizersgracht 123A") into street and house number; shared by CSV and UBL imports.

export interface StreetAndNumber {
  street: string;
  houseNumber: string | null;
}

// Things that may follow a house number: "12-3", "12/2", "12 A", "5 bis", "16 bus 2" (Belgium), "12 III", "12 hs".
const ADDITION = String.raw`(?:\s*[-/]\s*[\p{L}\d]{1,6}|\s+(?:bus\s*\d+\p{L}?|bis|ter|quater|huis|boven|beneden|\p{L}{1,3})\.?)`;
// Lazy street so that the FIRST number followed only by additions wins; a street name that itself contains a number
// ("Plein 1944 5", "Straat van 18 september 12") still works because "september 12" is not an addition.
const NUMBER_LAST = new RegExp(String.raw`^(.*?\p{L}.*?)[\s,]+(\d[^\s,]*${ADDITION}{0,2})$`, 'iu');
// English/French order: "221B Baker Street", "12, rue de la Paix".
const NUMBER_FIRST = new RegExp(String.raw`^(\d+\p{L}?)[\s,]+(\D*\p{L}\D*)$`, 'u');

/**
 * Returns the street without its number and the house number (with any addition), or houseNumber null when the line
 * has no recognisable number. Text after the first comma ("Main street 2, Building 4") stays with the house number so
 * that `${street} ${houseNumber}` reproduces the original line and nothing is lost.
 */
export function splitStreetAndNumber(line: string): StreetAndNumber {
  const text = line.trim().replace(/\s+/g, ' ');
  const comma = text.indexOf(',');
  const head = comma >= 0 ? text.slice(0, comma).trim() : text;
  const tail = comma >= 0 ? text.slice(comma + 1).trim() : '';

  const last = NUMBER_LAST.exec(head);
  if (last) {
    const houseNumber = tail ? `${last[2]}, ${tail}` : last[2];
    return { street: last[1].trim(), houseNumber };
  }
  const first = NUMBER_FIRST.exec(text);
  if (first) return { street: first[2].trim(), houseNumber: first[1] };
  return { street: text, houseNumber: null };
}
