// Unit tests for parsing decimal amount notations into integer cents.
import { parseAmountCents } from './amount';

describe('parseAmountCents', () => {
  it.each([
    ['1234.56', 123456n],
    ['1234', 123400n],
    ['-12.5', -1250n],
    ['1.234,56', 123456n],
    ['1234,56', 123456n],
    ['1,234.56', 123456n],
    ['1.234.567', 123456700n],
    ['1,234,567.8', 123456780n],
    ['-1.234.567,89', -123456789n],
    ['+7', 700n],
    ['0,05', 5n],
    ['  42.10  ', 4210n],
    ['90071992547409.93', 9007199254740993n], // beyond Number.MAX_SAFE_INTEGER cents: no float rounding
  ])('%s -> %s cents', (input, cents) => {
    expect(parseAmountCents(input)).toBe(cents);
  });

  it.each(['', 'abc', '12.345', '1.500', '1,234', '12,34.56', '1.23.45', '€ 10', '10 EUR', '1 234,56', '--5', '.5', '1e3', '12.3.4,5'])(
    'rejects %j',
    (input) => {
      expect(parseAmountCents(input)).toBeNull();
    },
  );
});
