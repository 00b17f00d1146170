// Statutory extrajudicial collection costs (Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2).

/** [upper bound of the bracket in cents (null: no bound), rate in hundredths of a percent] */
const BRACKETS: readonly [bigint | null, bigint][] = [
  [250_000n, 1500n],
  [500_000n, 1000n],
  [1_000_000n, 500n],
  [20_000_000n, 100n],
  [null, 50n],
];
const MINIMUM = 4_000n;
const MAXIMUM = 677_500n;

/**
 * The costs on a principal in cents: each bracket's share at its rate, summed exactly in hundredths of a
 * basis point, rounded half up to the cent once at the end, then held between EUR 40 and EUR 6,775.
 */
export function statutoryCollectionCosts(principal: bigint): bigint {
  if (principal <= 0n) return 0n;
  let scaled = 0n; // cents x 10,000
  let lower = 0n;
  for (const [upper, rate] of BRACKETS) {
    const top = upper === null || principal < upper ? principal : upper;
    if (top > lower) scaled += (top - lower) * rate;
    if (upper === null || principal <= upper) break;
    lower = upper;
  }
  const cents = (scaled + 5_000n) / 10_000n;
  return cents < MINIMUM ? MINIMUM : cents > MAXIMUM ? MAXIMUM : cents;
}
