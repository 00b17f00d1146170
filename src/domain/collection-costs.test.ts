// The statutory collection-cost scale against hand computations at its edges (BIK art. 2).
import { statutoryCollectionCosts } from './collection-costs';

const costsOf = (euros: string) => statutoryCollectionCosts(BigInt(euros.replace('.', '')));

describe('statutoryCollectionCosts', () => {
  it.each([
    // 15% of 0.01 = 0.0015: raised to the minimum of 40.00.
    ['0.01', 4000n],
    // 15% of 266.66 = 39.999: raised to the minimum (rounded it would be 40.00 as well).
    ['266.66', 4000n],
    // 15% of 266.67 = 40.0005: rounds half up to 40.00, just above the minimum.
    ['266.67', 4000n],
    // 15% of 2,500 = 375.00: the whole first bracket.
    ['2500.00', 37500n],
    // 375 + 10% of 2,500 = 625.00.
    ['5000.00', 62500n],
    // 625 + 5% of 5,000 = 875.00.
    ['10000.00', 87500n],
    // 875 + 1% of 190,000 = 2,775.00.
    ['200000.00', 277500n],
    // 2,775 + 0.5% of 800,000 = 6,775.00: exactly the maximum.
    ['1000000.00', 677500n],
    // 2,775 + 0.5% of 1,800,000 = 11,775.00: held at the maximum of 6,775.00.
    ['2000000.00', 677500n],
    // 375 + 10% of 833.33 = 458.333: rounded half up once, at the end, to 458.33.
    ['3333.33', 45833n],
    // 375 + 10% of 2,500 + 5% of 0.05 = 625.0025 -> 625.00; one cent more of principal, no cent more of costs.
    ['5000.05', 62500n],
  ])('on %s is %s cents', (principal, cents) => {
    expect(costsOf(principal)).toBe(cents);
  });

  it('is nothing on nothing owed', () => {
    expect(statutoryCollectionCosts(0n)).toBe(0n);
    expect(statutoryCollectionCosts(-100n)).toBe(0n);
  });
});
