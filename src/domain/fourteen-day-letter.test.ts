// The 14-day letter's deadline: received the day after sending, 14 days counted from the day after receipt.
import { letterDeadlineFor } from './fourteen-day-letter';

describe('letterDeadlineFor', () => {
  it('is the sending day + 15', () => {
    // Sent 1 March, received 2 March; days 1..14 are 3..16 March.
    expect(letterDeadlineFor('2026-03-01')).toBe('2026-03-16');
  });

  it('runs across months and leap days', () => {
    // Sent 20 February 2028, received the 21st; 22 February + 13 days, with 29 February, is 6 March.
    expect(letterDeadlineFor('2028-02-20')).toBe('2028-03-06');
    expect(letterDeadlineFor('2026-12-24')).toBe('2027-01-08');
  });
});
