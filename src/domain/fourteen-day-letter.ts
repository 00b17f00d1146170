// The 14-day letter's term (art. 6:96 lid 6 BW): 14 days counted from the day after receipt, an email counting as
// received the day after it was sent. Sent on D, received D + 1, the term runs D + 2 up to and including D + 15.
export function letterDeadlineFor(sentOn: string): string {
  return new Date(Date.parse(`${sentOn}T00:00:00Z`) + 15 * 86_400_000).toISOString().slice(0, 10);
}
