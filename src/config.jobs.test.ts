// The job settings as read from the environment: defaults, and values out of range refused.
import { ConfigError, loadConfig } from './config';

describe('job settings', () => {
  it('default to three reminder runs at once per worker, and take a value from 1 to 8', () => {
    expect(loadConfig({}).jobs).toMatchObject({ leaseSeconds: 60, maxAttempts: 3, reminderRunConcurrency: 3 });
    expect(loadConfig({ REMINDER_RUN_CONCURRENCY: '1' }).jobs.reminderRunConcurrency).toBe(1);
    expect(loadConfig({ REMINDER_RUN_CONCURRENCY: '8' }).jobs.reminderRunConcurrency).toBe(8);
  });

  it.each(['0', '9', 'three'])('refuses REMINDER_RUN_CONCURRENCY=%s', (value) => {
    expect(() => loadConfig({ REMINDER_RUN_CONCURRENCY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ REMINDER_RUN_CONCURRENCY: value })).toThrow(/REMINDER_RUN_CONCURRENCY/);
  });
});
