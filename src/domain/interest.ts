// Statutory interest on a claim in cents, and a case's balance with payments allocated by art. 6:44 BW. Pure and exact.
//
// Conventions (the README's "Dutch collection law" repeats them):
// - Days: interest runs on every day from its start (inclusive) to the end date (exclusive). Interest "to today"
//   covers the days before today; a payment on day T stops interest on what it pays from day T on.
// - Day count actual/365: each calendar day earns 1/365 of the annual rate in force that day (from the dated
//   table), also in a leap year (whose 366 days then earn 366/365 of the rate).
// - Compounding (art. 6:119 lid 2 / 6:119a lid 3 BW): after each full year from the start, the interest of that
//   year not yet paid is added to the principal, on the anniversary of the start (29 February: 1 March).
// - Exactness: interest is summed as an exact fraction of a cent (numerator over 365 x 10,000) and rounded half up
//   to the cent only when it must become money: at compounding, at a payment (which pays interest in cents), and
//   at the end.
// - Payments (art. 6:44 BW): first the collection costs, then the interest accrued to the payment date, then the
//   principal; among several invoices, their interest and then their principal oldest first (art. 6:43 lid 2 BW).
//   Interest that was compounded is principal from then on.
import type { InterestKind } from '../entities/Case';
import { addYears, daysBetween } from './dates';
import { INTEREST_RATES, ratesOf, type InterestRate } from './interest-rates';

/** A day's interest is principal x basis points / (365 x 10,000): exact as a numerator over this. */
const DENOMINATOR = 3_650_000n;

const roundHalfUp = (numerator: bigint): bigint => (numerator + DENOMINATOR / 2n) / DENOMINATOR;

/** One amount that earns interest from its own start (one invoice of a case). */
export interface InterestTranche {
  /** First day interest runs; null: it earns none (a private debtor's invoice without a 14-day letter). */
  start: string | null;
  principal: bigint;
}

export interface DatedPayment {
  date: string;
  amount: bigint;
}

export interface CaseBalanceInput {
  kind: InterestKind;
  /** Oldest first: the order interest and principal are paid in. */
  tranches: InterestTranche[];
  /** Collection costs owed (zero unless the case collects them). */
  costs: bigint;
  payments: DatedPayment[];
  /** Interest runs up to this day (exclusive); payments after it are left out. */
  to: string;
  rates?: readonly InterestRate[];
}

export interface BalanceParts {
  costs: bigint;
  interest: bigint;
  principal: bigint;
}

export interface CaseBalance {
  /** All interest accrued up to `to`, paid or not, compounded or not. */
  interest: bigint;
  paid: BalanceParts & { total: bigint };
  /** What is still owed; compounded interest counts as principal. */
  outstanding: BalanceParts & { total: bigint };
  /** Paid beyond everything owed (the ledger caps a payment at an invoice's open amount, so normally zero). */
  overpaid: bigint;
}

/** The rate in force on each day of [from, to) as runs of days: [first day, days, basis points]. */
function rateRuns(rates: InterestRate[], from: string, to: string): [string, number, number][] {
  const runs: [string, number, number][] = [];
  for (let i = 0; i < rates.length; i++) {
    const runFrom = rates[i].validFrom > from ? rates[i].validFrom : from;
    const next = rates[i + 1]?.validFrom;
    const runTo = next !== undefined && next < to ? next : to;
    if (runFrom < runTo) runs.push([runFrom, daysBetween(runFrom, runTo), rates[i].basisPoints]);
  }
  // Days before the table's first entry have no known rate and earn nothing (the table reaches back before 2020).
  return runs;
}

class Tranche {
  principal: bigint;
  /** Interest already rounded to cents (at a payment) and not yet paid or compounded. */
  pending = 0n;
  /** Interest since the last rounding, as a numerator over DENOMINATOR. */
  exact = 0n;
  /** All interest rounded so far. */
  accrued = 0n;
  private accruedTo: string | null;
  private years = 0;

  constructor(
    private readonly start: string | null,
    principal: bigint,
    private readonly rates: InterestRate[],
  ) {
    this.principal = principal;
    this.accruedTo = start;
  }

  /** Accrues interest on the days before `to`, compounding on each anniversary of the start passed. */
  advance(to: string): void {
    if (this.start === null || this.accruedTo === null) return;
    while (this.accruedTo < to) {
      const anniversary = addYears(this.start, this.years + 1);
      const until = anniversary < to ? anniversary : to;
      for (const [, days, basisPoints] of rateRuns(this.rates, this.accruedTo, until)) {
        this.exact += this.principal * BigInt(basisPoints) * BigInt(days);
      }
      this.accruedTo = until;
      if (until === anniversary) {
        this.settle();
        this.principal += this.pending;
        this.pending = 0n;
        this.years += 1;
      }
    }
  }

  /** Rounds the exact interest to cents. */
  settle(): void {
    const cents = roundHalfUp(this.exact);
    this.exact = 0n;
    this.pending += cents;
    this.accrued += cents;
  }
}

/** Takes up to `amount` from each tranche's `part`, in order; returns what was taken. */
function take(tranches: Tranche[], part: 'pending' | 'principal', amount: bigint): bigint {
  let left = amount;
  for (const tranche of tranches) {
    const paid = tranche[part] < left ? tranche[part] : left;
    tranche[part] -= paid;
    left -= paid;
  }
  return amount - left;
}

/** The balance of a case on `to`: interest accrued, payments allocated by art. 6:44 BW, what is still owed. */
export function caseBalance(input: CaseBalanceInput): CaseBalance {
  const rates = ratesOf(input.kind, input.rates ?? INTEREST_RATES);
  const tranches = input.tranches.map((t) => new Tranche(t.start, t.principal, rates));
  const paid = { costs: 0n, interest: 0n, principal: 0n };
  let overpaid = 0n;
  const payments = input.payments.filter((p) => p.date <= input.to).sort((a, b) => a.date.localeCompare(b.date));
  for (const payment of payments) {
    for (const tranche of tranches) {
      tranche.advance(payment.date);
      tranche.settle();
    }
    let left = payment.amount;
    const costs = input.costs - paid.costs < left ? input.costs - paid.costs : left;
    paid.costs += costs;
    left -= costs;
    const interest = take(tranches, 'pending', left);
    paid.interest += interest;
    left -= interest;
    const principalPaid = take(tranches, 'principal', left);
    paid.principal += principalPaid;
    overpaid += left - principalPaid;
  }
  for (const tranche of tranches) {
    tranche.advance(input.to);
    tranche.settle();
  }
  const interest = tranches.reduce((sum, t) => sum + t.accrued, 0n);
  const outstanding = {
    costs: input.costs - paid.costs,
    interest: tranches.reduce((sum, t) => sum + t.pending, 0n),
    principal: tranches.reduce((sum, t) => sum + t.principal, 0n),
  };
  return {
    interest,
    paid: { ...paid, total: paid.costs + paid.interest + paid.principal },
    outstanding: { ...outstanding, total: outstanding.costs + outstanding.interest + outstanding.principal },
    overpaid,
  };
}

/** Interest on `principal` from `from` (inclusive) to `to` (exclusive), compounded yearly, rounded to the cent. */
export function statutoryInterest(kind: InterestKind, principal: bigint, from: string, to: string, rates?: readonly InterestRate[]): bigint {
  return caseBalance({ kind, tranches: [{ start: from, principal }], costs: 0n, payments: [], to, rates }).interest;
}
