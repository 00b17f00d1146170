// Unit tests for parsing the accepted date notations into ISO dates.
import { parseIsoDate } from './date';

describe('parseIsoDate', () => {
  it.each([
    ['2024-01-31', '2024-01-31'],
    ['2024-2-9', '2024-02-09'],
    ['31-01-2024', '2024-01-31'],
    ['31/01/2024', '2024-01-31'],
    ['1-2-2024', '2024-02-01'],
    ['29-02-2024', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    [' 2024-12-31 ', '2024-12-31'],
  ])('%s -> %s', (input, iso) => {
    expect(parseIsoDate(input)).toBe(iso);
  });

  it.each(['2023-02-29', '1900-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '31-04-2024', '31-01-24', '31/01-2024', '2024/01/31', '01-31-2024', 'yesterday', ''])(
    'rejects %j',
    (input) => {
      expect(parseIsoDate(input)).toBeNull();
    },
  );
});
