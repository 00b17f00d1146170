// The installment split: exact sums for awkward totals, weekly dates, and monthly dates at a month's end.
import { installmentDueDate, planInstallments, splitAmount } from './installments';

describe('splitAmount', () => {
  it('splits 100.00 in 3 as 33.33, 33.33, 33.34', () => {
    expect(splitAmount(10_000n, 3)).toEqual([3_333n, 3_333n, 3_334n]);
  });

  it('splits 0.05 in 4 as 0.01, 0.01, 0.01, 0.02', () => {
    expect(splitAmount(5n, 4)).toEqual([1n, 1n, 1n, 2n]);
  });

  it('sums exactly to the total for many awkward totals and counts', () => {
    for (const total of [1n, 7n, 99n, 101n, 9_999n, 10_001n, 123_456_789n]) {
      for (let count = 1; count <= 120 && BigInt(count) <= total; count += 7) {
        const amounts = splitAmount(total, count);
        expect(amounts).toHaveLength(count);
        expect(amounts.reduce((a, b) => a + b, 0n)).toBe(total);
        // Equal but for the last, which is never smaller.
        expect(new Set(amounts.slice(0, -1)).size).toBeLessThanOrEqual(1);
        expect(amounts[count - 1]).toBeGreaterThanOrEqual(amounts[0]);
      }
    }
  });

  it('gives one installment the whole total', () => {
    expect(splitAmount(12_345n, 1)).toEqual([12_345n]);
  });

  it('refuses fewer cents than installments, and a count below 1 or not whole', () => {
    expect(() => splitAmount(3n, 4)).toThrow(RangeError);
    expect(() => splitAmount(100n, 0)).toThrow(RangeError);
    expect(() => splitAmount(100n, 1.5)).toThrow(RangeError);
  });
});

describe('installmentDueDate', () => {
  it('adds seven days a week, across months and years', () => {
    expect([0, 1, 2, 3].map((i) => installmentDueDate('2026-12-17', 'WEEKLY', i))).toEqual(['2026-12-17', '2026-12-24', '2026-12-31', '2027-01-07']);
  });

  it('keeps the day of the month, clamped to the last day of shorter months', () => {
    expect([0, 1, 2, 3].map((i) => installmentDueDate('2026-01-31', 'MONTHLY', i))).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    // A leap year's February has 29 days.
    expect(installmentDueDate('2028-01-31', 'MONTHLY', 1)).toBe('2028-02-29');
    expect(installmentDueDate('2026-01-30', 'MONTHLY', 1)).toBe('2026-02-28');
    expect([0, 1, 2].map((i) => installmentDueDate('2026-11-15', 'MONTHLY', i))).toEqual(['2026-11-15', '2026-12-15', '2027-01-15']);
  });
});

describe('planInstallments', () => {
  it('numbers the installments from 1 with their dates and amounts', () => {
    expect(planInstallments(10_000n, 3, '2026-01-31', 'MONTHLY')).toEqual([
      { number: 1, dueDate: '2026-01-31', amount: 3_333n },
      { number: 2, dueDate: '2026-02-28', amount: 3_333n },
      { number: 3, dueDate: '2026-03-31', amount: 3_334n },
    ]);
    expect(planInstallments(5n, 4, '2026-03-02', 'WEEKLY').map((i) => [i.dueDate, i.amount])).toEqual([
      ['2026-03-02', 1n],
      ['2026-03-09', 1n],
      ['2026-03-16', 1n],
      ['2026-03-23', 2n],
    ]);
  });
});
