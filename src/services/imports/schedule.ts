// When a daily import runs next: its time of day in the administration's time zone, and retry backoff.

/** Offset of `timeZone` from UTC at `instant`, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` shows `date` `time` (DST gaps resolve forward). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const guess = Date.parse(`${date}T${time}:00Z`);
  const first = guess - offsetAt(new Date(guess), timeZone);
  return new Date(guess - offsetAt(new Date(first), timeZone));
}

/** The first moment after `now` at which it is `timeOfDay` in `timeZone`. */
export function nextDailyRun(now: Date, timeOfDay: string, timeZone: string): Date {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  for (let days = 0; days < 3; days += 1) {
    const date = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const candidate = zonedInstant(date, timeOfDay, timeZone);
    if (candidate > now) return candidate;
  }
  throw new Error('no next run found');
}

/** 5, 10, 20, 40 ... minutes, at most 6 hours, never later than the next daily slot. */
export function retryAt(now: Date, failures: number, nextDaily: Date): Date {
  const delay = Math.min(5 * 60_000 * 2 ** Math.max(0, failures - 1), 6 * 3600_000);
  return new Date(Math.min(now.getTime() + delay, nextDaily.getTime()));
}

export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
