// Statutory interest and art. 6:44 BW allocation against hand computations. A day earns principal x rate / 365;
// the sums below are in cents, exact until rounded half up.
import { InterestKind } from '../entities/Case';
import { caseBalance, statutoryInterest } from './interest';

describe('statutoryInterest', () => {
  it('takes each day at the rate in force that day, across a rate change', () => {
    // 1,000.00 commercial from 1 June to 1 August 2024 (days 1 June .. 31 July):
    //   June, 30 days at 12.50%: 100000 x 0.1250 x 30/365 = 1027.397 cents
    //   July, 31 days at 12.25%: 100000 x 0.1225 x 31/365 = 1040.411 cents
    //   together 2067.808 -> 2068 cents = 20.68
    expect(statutoryInterest(InterestKind.COMMERCIAL, 100000n, '2024-06-01', '2024-08-01')).toBe(2068n);
  });

  it('compounds after a full year', () => {
    // 1,000.00 statutory from 1 January 2024: the 366 days of 2024 at 7% earn
    //   100000 x 0.07 x 366/365 = 7019.178 -> 7019 cents, added to the principal on 1 January 2025.
    expect(statutoryInterest(InterestKind.STATUTORY, 100000n, '2024-01-01', '2025-01-01')).toBe(7019n);
    // Then 1 January .. 28 February 2025, 59 days at 6% on 1,070.19:
    //   107019 x 0.06 x 59/365 = 1037.938 -> 1038 cents; in all 7019 + 1038 = 8057 cents = 80.57.
    expect(statutoryInterest(InterestKind.STATUTORY, 100000n, '2024-01-01', '2025-03-01')).toBe(8057n);
  });

  it('runs from the start day up to, not including, the end day', () => {
    expect(statutoryInterest(InterestKind.COMMERCIAL, 100000n, '2025-03-01', '2025-03-01')).toBe(0n);
    // One day, 1 January 2025, at 11.15%: 100000 x 0.1115 / 365 = 30.548 -> 31 cents.
    expect(statutoryInterest(InterestKind.COMMERCIAL, 100000n, '2025-01-01', '2025-01-02')).toBe(31n);
    expect(statutoryInterest(InterestKind.COMMERCIAL, 100000n, '2025-03-01', '2025-02-01')).toBe(0n);
  });
});

describe('caseBalance', () => {
  it('allocates a payment to costs, then interest, then principal (art. 6:44 BW)', () => {
    // 1,000.00 commercial from 1 January 2025 (11.15%), costs 150.00; 200.00 paid on 1 February 2025:
    //   interest of 31 days: 100000 x 0.1115 x 31/365 = 946.986 -> 947 cents
    //   the payment: 150.00 costs, 9.47 interest, 40.53 principal -> principal 959.47
    //   28 more days to 1 March: 95947 x 0.1115 x 28/365 = 820.675 -> 821 cents
    const balance = caseBalance({
      kind: InterestKind.COMMERCIAL,
      tranches: [{ start: '2025-01-01', principal: 100000n }],
      costs: 15000n,
      payments: [{ date: '2025-02-01', amount: 20000n }],
      to: '2025-03-01',
    });
    expect(balance).toEqual({
      interest: 947n + 821n,
      paid: { costs: 15000n, interest: 947n, principal: 4053n, total: 20000n },
      outstanding: { costs: 0n, interest: 821n, principal: 95947n, total: 96768n },
      overpaid: 0n,
    });
  });

  it('pays the oldest invoice first, interest before principal, each from its own start', () => {
    // A: 1,000.00 from 1 January, B: 500.00 from 1 February 2025, commercial 11.15%; 1,020.00 paid on 1 March:
    //   A, 59 days: 100000 x 0.1115 x 59/365 = 1802.329 -> 1802;  B, 28 days: 50000 x 0.1115 x 28/365 = 427.671 -> 428
    //   1,020.00 pays 18.02 + 4.28 interest, then 997.70 of A's principal: A keeps 2.30, B all 500.00.
    const balance = caseBalance({
      kind: InterestKind.COMMERCIAL,
      tranches: [
        { start: '2025-01-01', principal: 100000n },
        { start: '2025-02-01', principal: 50000n },
      ],
      costs: 0n,
      payments: [{ date: '2025-03-01', amount: 102000n }],
      to: '2025-03-01',
    });
    expect(balance.interest).toBe(2230n);
    expect(balance.paid).toEqual({ costs: 0n, interest: 2230n, principal: 99770n, total: 102000n });
    expect(balance.outstanding).toEqual({ costs: 0n, interest: 0n, principal: 50230n, total: 50230n });
  });

  it('settles a case paid in full before interest runs, and reports what is paid beyond it', () => {
    const balance = caseBalance({
      kind: InterestKind.STATUTORY,
      tranches: [{ start: null, principal: 10000n }],
      costs: 0n,
      payments: [
        { date: '2025-05-02', amount: 4000n },
        { date: '2025-05-01', amount: 7000n },
      ],
      to: '2026-01-01',
    });
    expect(balance).toEqual({
      interest: 0n,
      paid: { costs: 0n, interest: 0n, principal: 10000n, total: 10000n },
      outstanding: { costs: 0n, interest: 0n, principal: 0n, total: 0n },
      overpaid: 1000n,
    });
  });

  it('leaves out payments after the day it is computed for', () => {
    const balance = caseBalance({
      kind: InterestKind.STATUTORY,
      tranches: [{ start: null, principal: 10000n }],
      costs: 4000n,
      payments: [{ date: '2025-06-01', amount: 14000n }],
      to: '2025-05-31',
    });
    expect(balance.paid.total).toBe(0n);
    expect(balance.outstanding.total).toBe(14000n);
  });
});
