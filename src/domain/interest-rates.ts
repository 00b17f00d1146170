// The dated table of Dutch statutory interest rates (art. 6:119 and 6:119a BW), one entry per kind per half-year.
//
// Rates change only on 1 January and 1 July (art. 6:120 BW), so a half-year is the unit: every half-year since
// 2020 has its own entry, even when the rate did not change, with where the figure comes from. The entry in force
// when 2020 began is kept as well, so older claims have a rate. A new half-year is one more line here (and a
// release); until then the last entry stays in force.
//
// - STATUTORY (wettelijke rente, private debtors): set by decree, the Besluit vaststelling wettelijke rente under
//   art. 6:120 lid 1 BW; in practice the ECB main refinancing rate + 2.25 points, rounded to a whole percent.
// - COMMERCIAL (wettelijke handelsrente, business debtors): art. 6:120 lid 2 BW, the ECB main refinancing rate in
//   force on the last day before the half-year + 8 points; published by the government, no decree of its own.
import { InterestKind } from '../entities/Case';

export interface InterestRate {
  kind: InterestKind;
  /** First day the rate applies (YYYY-MM-DD); it applies until the next entry of the same kind. */
  validFrom: string;
  /** Percent per year in hundredths of a percent: 1225 is 12.25%. */
  basisPoints: number;
  source: string;
}

const DECREE = 'Besluit vaststelling wettelijke rente (art. 6:120 lid 1 BW)';
const UNCHANGED = `${DECREE}, rate unchanged`;
const commercial = (ecb: string, since: string) =>
  `Art. 6:120 lid 2 BW: ECB main refinancing rate ${ecb}% (in force since ${since}) + 8 points`;
const NOT_VERIFIED = 'NOT VERIFIED against an official publication';

const STATUTORY: [string, number, string][] = [
  ['2015-07-01', 200, `${DECREE}, 2.00% from 1 July 2015 (in force when 2020 began)`],
  ['2020-01-01', 200, UNCHANGED],
  ['2020-07-01', 200, UNCHANGED],
  ['2021-01-01', 200, UNCHANGED],
  ['2021-07-01', 200, UNCHANGED],
  ['2022-01-01', 200, UNCHANGED],
  ['2022-07-01', 200, UNCHANGED],
  ['2023-01-01', 400, `${DECREE}, amended by Royal Decree of 15 December 2022`],
  ['2023-07-01', 600, `${DECREE}, amended with effect from 1 July 2023`],
  ['2024-01-01', 700, `${DECREE}, amended by Order in Council of 20 December 2023`],
  ['2024-07-01', 700, UNCHANGED],
  ['2025-01-01', 600, `${DECREE}, amended with effect from 1 January 2025`],
  ['2025-07-01', 400, `${DECREE}, amended with effect from 1 July 2025`],
  ['2026-01-01', 400, `${UNCHANGED} (${NOT_VERIFIED}: the ECB rate of 2.15% + 2.25 rounds to 4%)`],
  ['2026-07-01', 400, `${UNCHANGED} (${NOT_VERIFIED}: assumes the ECB rate stayed 2.15%)`],
];

const COMMERCIAL: [string, number, string][] = [
  ['2016-07-01', 800, `${commercial('0.00', '2016-03-16')} (in force when 2020 began)`],
  ['2020-01-01', 800, commercial('0.00', '2016-03-16')],
  ['2020-07-01', 800, commercial('0.00', '2016-03-16')],
  ['2021-01-01', 800, commercial('0.00', '2016-03-16')],
  ['2021-07-01', 800, commercial('0.00', '2016-03-16')],
  ['2022-01-01', 800, commercial('0.00', '2016-03-16')],
  ['2022-07-01', 800, commercial('0.00', '2016-03-16')],
  ['2023-01-01', 1050, commercial('2.50', '2022-12-21')],
  ['2023-07-01', 1200, commercial('4.00', '2023-06-21')],
  ['2024-01-01', 1250, commercial('4.50', '2023-09-20')],
  ['2024-07-01', 1225, commercial('4.25', '2024-06-12')],
  ['2025-01-01', 1115, commercial('3.15', '2024-12-18')],
  ['2025-07-01', 1015, commercial('2.15', '2025-06-11')],
  ['2026-01-01', 1015, commercial('2.15', '2025-06-11')],
  ['2026-07-01', 1015, `${commercial('2.15', '2025-06-11')} (${NOT_VERIFIED}: assumes no ECB change before 1 July 2026)`],
];

const entries = (kind: InterestKind, rows: [string, number, string][]): InterestRate[] =>
  rows.map(([validFrom, basisPoints, source]) => ({ kind, validFrom, basisPoints, source }));

/** Every rate, per kind in date order. */
export const INTEREST_RATES: readonly InterestRate[] = [
  ...entries(InterestKind.STATUTORY, STATUTORY),
  ...entries(InterestKind.COMMERCIAL, COMMERCIAL),
];

/** The entries of one kind, oldest first. */
export function ratesOf(kind: InterestKind, table: readonly InterestRate[] = INTEREST_RATES): InterestRate[] {
  return table.filter((rate) => rate.kind === kind).sort((a, b) => a.validFrom.localeCompare(b.validFrom));
}
