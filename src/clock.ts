// Injectable clock, so tests can move "now" and "today" without touching the system time.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock whose time can be set and advanced; used by tests and benches. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(to: Date): void {
    this.current = new Date(to.getTime());
  }
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

/** Today's calendar date (YYYY-MM-DD) in the given IANA time zone. */
// Building an Intl.DateTimeFormat is costly (it loads time-zone data): one per zone, reused.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

export function todayIn(clock: Clock, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(clock.now());
}
