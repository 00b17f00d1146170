// The dated rate table: every half-year since 2020 has an entry of each kind, with a source.
import { InterestKind } from '../entities/Case';
import { INTEREST_RATES, ratesOf } from './interest-rates';

describe('INTEREST_RATES', () => {
  const halfYears: string[] = [];
  for (let year = 2020; year <= 2026; year++) halfYears.push(`${year}-01-01`, `${year}-07-01`);

  it.each([InterestKind.STATUTORY, InterestKind.COMMERCIAL])('has every half-year from 2020 to 2026 for %s', (kind) => {
    const dates = ratesOf(kind).map((r) => r.validFrom);
    for (const halfYear of halfYears) expect(dates).toContain(halfYear);
    expect(new Set(dates).size).toBe(dates.length);
  });

  it('names a source for every entry', () => {
    for (const rate of INTEREST_RATES) expect(rate.source.length).toBeGreaterThan(10);
  });

  it('holds the published rates', () => {
    const percent = (kind: InterestKind, from: string) => ratesOf(kind).find((r) => r.validFrom === from)?.basisPoints;
    expect(percent(InterestKind.COMMERCIAL, '2022-07-01')).toBe(800);
    expect(percent(InterestKind.COMMERCIAL, '2023-01-01')).toBe(1050);
    expect(percent(InterestKind.COMMERCIAL, '2024-01-01')).toBe(1250);
    expect(percent(InterestKind.COMMERCIAL, '2024-07-01')).toBe(1225);
    expect(percent(InterestKind.COMMERCIAL, '2025-07-01')).toBe(1015);
    expect(percent(InterestKind.STATUTORY, '2022-07-01')).toBe(200);
    expect(percent(InterestKind.STATUTORY, '2024-07-01')).toBe(700);
    expect(percent(InterestKind.STATUTORY, '2025-07-01')).toBe(400);
  });
});
