// The installments of a payment plan: equal amounts in cents (the remainder in the last) on dates a week or a month apart.

export type InstallmentInterval = 'WEEKLY' | 'MONTHLY';

/** Where an installment stands on a day (derived, never stored). */
export enum InstallmentStatus {
  PENDING = 'PENDING',
  PAID = 'PAID',
  /** Not paid in full and its due date is past. */
  OVERDUE = 'OVERDUE',
}

export function installmentStatus(installment: { amount: bigint; paidAmount: bigint; dueDate: string }, today: string): InstallmentStatus {
  if (installment.paidAmount >= installment.amount) return InstallmentStatus.PAID;
  return installment.dueDate < today ? InstallmentStatus.OVERDUE : InstallmentStatus.PENDING;
}

export interface PlannedInstallment {
  /** 1 for the first. */
  number: number;
  /** YYYY-MM-DD. */
  dueDate: string;
  /** Cents. */
  amount: bigint;
}

/**
 * `count` amounts that add up to `total` exactly: each the total divided by the count rounded down to the cent, the
 * last one taking what rounding left over (100.00 in 3: 33.33, 33.33, 33.34; 0.05 in 4: 0.01, 0.01, 0.01, 0.02).
 * Every installment must be at least one cent, so the total must be at least `count` cents.
 */
export function splitAmount(total: bigint, count: number): bigint[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a whole number of at least 1');
  if (total < BigInt(count)) throw new RangeError(`a total of ${total} cents cannot be split into ${count} installments of at least one cent`);
  const each = total / BigInt(count);
  const amounts = Array.from({ length: count }, () => each);
  amounts[count - 1] = total - each * BigInt(count - 1);
  return amounts;
}

const DAY_MS = 86_400_000;

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** Days in month `m` (1-12) of year `y`. */
function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The due date of installment `index` (0 for the first). WEEKLY: every seven days. MONTHLY: the same day of the
 * month as the first, or the month's last day where it has no such day (from Jan 31: Feb 28 or 29, Mar 31, Apr 30);
 * always counted from the first date, so a short month does not pull the later ones forward.
 */
export function installmentDueDate(firstDueDate: string, interval: InstallmentInterval, index: number): string {
  if (interval === 'WEEKLY') return new Date(Date.parse(`${firstDueDate}T00:00:00Z`) + index * 7 * DAY_MS).toISOString().slice(0, 10);
  const [y, m, d] = parts(firstDueDate);
  const months = y * 12 + (m - 1) + index;
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return iso(year, month, Math.min(d, daysInMonth(year, month)));
}

/** The whole schedule: amounts from splitAmount on the dates of installmentDueDate. */
export function planInstallments(total: bigint, count: number, firstDueDate: string, interval: InstallmentInterval): PlannedInstallment[] {
  return splitAmount(total, count).map((amount, index) => ({
    number: index + 1,
    dueDate: installmentDueDate(firstDueDate, interval, index),
    amount,
  }));
}
