// A PostgreSQL array literal ('{"a","b",NULL}') for a bound parameter cast to an array type: a bulk statement's
// columns travel as a few arrays, unnested together, instead of as JSON objects that repeat every key per row.

const escape = (value: string) => (value.includes('"') || value.includes('\\') ? value.replace(/["\\]/g, (c) => `\\${c}`) : value);

export function arrayLiteral(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${escape(v)}"`)).join(',')}}`;
}
