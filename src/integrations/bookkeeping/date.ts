// Parses the date notations bookkeeping exports use into ISO YYYY-MM-DD, rejecting impossible calendar dates.

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DUTCH = /^(\d{1,2})([-/])(\d{1,2})\2(\d{4})$/;

// A file has few distinct dates, each on many rows: each is parsed once. Bounded; past it, it starts over.
const MAX_RECENT_DATES = 10_000;
const recentDates = new Map<string, string | null>();

/** Accepts `YYYY-MM-DD`, `DD-MM-YYYY` and `DD/MM/YYYY` (day and month may be one digit). Returns null when invalid. */
export function parseIsoDate(input: string): string | null {
  let iso = recentDates.get(input);
  if (iso === undefined) {
    iso = parseDate(input);
    if (recentDates.size >= MAX_RECENT_DATES) recentDates.clear();
    recentDates.set(input, iso);
  }
  return iso;
}

function parseDate(input: string): string | null {
  const text = input.trim();
  let year: number;
  let month: number;
  let day: number;

  const iso = ISO.exec(text);
  const dutch = iso ? null : DUTCH.exec(text);
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    // Already in its final form (the common case): no new string.
    if (text.length === 10 && isValidDay(year, month, day)) return text;
  } else if (dutch) {
    [day, month, year] = [Number(dutch[1]), Number(dutch[3]), Number(dutch[4])];
  } else {
    return null;
  }

  if (!isValidDay(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

function isValidDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
