// The statutory "14-day letter" (art. 6:96 lid 6 BW): the term it gives a private debtor before collection costs.
import { addDays } from './dates';

/**
 * The last day of the term a 14-day letter sent on `sentOn` gives. The law counts 14 days from the day after the
 * debtor received the letter; we take the common reading that a letter is received the day after it is sent, so the
 * term starts two days after sending and its 14th day is the sending day + 15 (sent 1 March: received 2 March, the
 * term runs 3 to 16 March). Costs may be charged, and interest runs, from the day after this deadline.
 */
export function letterDeadlineFor(sentOn: string): string {
  return addDays(sentOn, 15);
}
