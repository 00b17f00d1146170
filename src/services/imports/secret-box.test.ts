// Unit tests for stored-secret encryption: key ids, rotation through old keys, and the v1 format of earlier versions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '../../config';
import { decryptSecret, encryptSecret, isCurrentKey, keyId, SecretError } from './secret-box';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-secret-box-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const newKey = () => randomBytes(24).toString('base64');
const configWith = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...env });

/** What the previous version stored: AES-GCM with a key derived from the JWT secret. */
function v1Encrypt(jwtSecret: string, plain: string): string {
  const key = createHash('sha256').update(`import-source-secret:${jwtSecret}`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

describe('secret box', () => {
  it('stores the key id with the ciphertext and reads it back', () => {
    const key = newKey();
    const config = configWith({ DATA_ENCRYPTION_KEY: key });
    const stored = encryptSecret(config, 'Bearer abc');
    expect(stored).toMatch(new RegExp(`^v2:${keyId(key)}:[^:]+:[^:]+:[^:]+$`));
    expect(keyId(key)).toBe(createHash('sha256').update(key).digest('hex').slice(0, 8));
    expect(stored).not.toContain('abc');
    expect(decryptSecret(config, stored)).toBe('Bearer abc');
    expect(isCurrentKey(config, stored)).toBe(true);
  });

  it('reads what an old key encrypted while the key is rotated, and not after it is dropped', () => {
    const oldKey = newKey();
    const stored = encryptSecret(configWith({ DATA_ENCRYPTION_KEY: oldKey }), 'Token s3cret');
    const rotated = configWith({ DATA_ENCRYPTION_KEY: newKey(), DATA_ENCRYPTION_KEYS_OLD: `${newKey()}, ${oldKey}` });
    expect(decryptSecret(rotated, stored)).toBe('Token s3cret');
    expect(isCurrentKey(rotated, stored)).toBe(false);
    expect(isCurrentKey(rotated, encryptSecret(rotated, 'Token s3cret'))).toBe(true);

    const dropped = configWith({ DATA_ENCRYPTION_KEY: newKey() });
    expect(() => decryptSecret(dropped, stored)).toThrow(
      new SecretError(`The stored Authorization header was encrypted with a key that is not configured (key id ${keyId(oldKey)}); enter it again`),
    );
  });

  it('refuses a tampered ciphertext', () => {
    const config = configWith({ DATA_ENCRYPTION_KEY: newKey() });
    const [v, id, iv, tag, data] = encryptSecret(config, 'Token s3cret').split(':');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() => decryptSecret(config, [v, id, iv, tag, flipped.toString('base64')].join(':'))).toThrow(SecretError);
  });

  it('reads the v1 format with the JWT secret that wrote it, whatever the data key', () => {
    const jwtSecret = randomBytes(32).toString('hex');
    const stored = v1Encrypt(jwtSecret, 'Token legacy');
    expect(decryptSecret(configWith({ JWT_SECRET: jwtSecret, DATA_ENCRYPTION_KEY: newKey() }), stored)).toBe('Token legacy');
    expect(() => decryptSecret(configWith({ JWT_SECRET: randomBytes(32).toString('hex') }), stored)).toThrow(
      'The stored Authorization header was encrypted with a key derived from an earlier JWT_SECRET; enter it again',
    );
  });

  it('generates a key into the data folder when none is set, and keeps it', () => {
    const stored = encryptSecret(configWith({}), 'Token generated');
    const generated = fs.readFileSync(path.join(dataDir, 'data-encryption-key'), 'utf8');
    expect(stored.split(':')[1]).toBe(keyId(generated));
    expect(decryptSecret(configWith({}), stored)).toBe('Token generated');
  });

  it('is required in production with a database, and must be long enough', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/db', JWT_SECRET: 'j'.repeat(32), DATA_DIR: dataDir };
    expect(() => loadConfig(production)).toThrow('DATA_ENCRYPTION_KEY is required in production with DATABASE_URL');
    expect(() => loadConfig({ ...production, DATA_ENCRYPTION_KEY: 'short' })).toThrow('DATA_ENCRYPTION_KEY must be at least 32 characters');
    expect(() => loadConfig({ ...production, DATA_ENCRYPTION_KEY: 'k'.repeat(32), DATA_ENCRYPTION_KEYS_OLD: 'short' })).toThrow('DATA_ENCRYPTION_KEYS_OLD');
    expect(loadConfig({ ...production, DATA_ENCRYPTION_KEY: 'k'.repeat(32) }).dataEncryptionKey).toBe('k'.repeat(32));
  });
});
