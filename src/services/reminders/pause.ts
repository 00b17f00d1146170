// Whether an administration's reminders are paused on a day.

/** Paused: `paused` on, and no end date or an end date not yet past (a pause until a date includes that date). */
export function isPausedOn(settings: { paused: boolean; pausedUntil: string | null }, today: string): boolean {
  return settings.paused && (settings.pausedUntil === null || settings.pausedUntil >= today);
}

/** The same over administration_settings `s`, on the day the SQL expression `day` gives. */
export const pausedSql = (day: string) => `(s.paused and (s.paused_until is null or s.paused_until >= ${day}))`;
