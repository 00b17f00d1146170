// The mail settings as read from the environment: defaults, Mailgun only with key and domain, bad values refused.
import { ConfigError, loadConfig } from './config';

describe('mail settings', () => {
  it('default to the local transport with localhost addresses and PUBLIC_URL on the port', () => {
    const config = loadConfig({ PORT: '4100' });
    expect(config.publicUrl).toBe('http://localhost:4100');
    expect(config.mail).toMatchObject({ mailgun: null, from: 'no-reply@localhost', replyDomain: 'localhost', retryBaseMs: 30_000, maxAttempts: 5 });
  });

  it('send through Mailgun with key and domain, which also give the From and reply domain', () => {
    const config = loadConfig({ MAILGUN_API_KEY: 'key', MAILGUN_DOMAIN: 'MG.Example.com', PUBLIC_URL: 'https://credit.example.com/' });
    expect(config.publicUrl).toBe('https://credit.example.com');
    expect(config.mail).toMatchObject({
      mailgun: { apiKey: 'key', domain: 'mg.example.com', url: 'https://api.mailgun.net' },
      from: 'no-reply@mg.example.com',
      replyDomain: 'mg.example.com',
    });
    expect(loadConfig({ MAILGUN_API_KEY: 'k', MAILGUN_DOMAIN: 'mg.example.com', MAIL_REPLY_DOMAIN: 'reply.example.com', MAIL_FROM: 'billing@example.com' }).mail).toMatchObject({
      from: 'billing@example.com',
      replyDomain: 'reply.example.com',
    });
  });

  it.each([
    [{ MAILGUN_API_KEY: 'key' }, /MAILGUN_API_KEY and MAILGUN_DOMAIN go together/],
    [{ MAILGUN_DOMAIN: 'mg.example.com' }, /go together/],
    [{ MAILGUN_DOMAIN: 'not a domain', MAILGUN_API_KEY: 'k' }, /MAILGUN_DOMAIN must be a domain name/],
    [{ MAILGUN_API_KEY: 'k', MAILGUN_DOMAIN: 'mg.example.com', MAILGUN_URL: 'ftp://x' }, /MAILGUN_URL must be an http\(s\) URL/],
    [{ PUBLIC_URL: 'nope' }, /PUBLIC_URL must be an http\(s\) URL/],
    [{ MAIL_FROM: 'Billing <billing@example.com>' }, /MAIL_FROM must be a bare email address/],
    [{ MAIL_MAX_ATTEMPTS: '0' }, /MAIL_MAX_ATTEMPTS must be between 1 and 50/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
