// Encrypts small secrets at rest (an import source's Authorization header) with DATA_ENCRYPTION_KEY.
//
// Stored as `v2:<key id>:<iv>:<tag>:<data>` (AES-256-GCM). The key id names the key that encrypted a
// value, so the key can be rotated: the new key encrypts, old keys (DATA_ENCRYPTION_KEYS_OLD) still
// decrypt. `v1:<iv>:<tag>:<data>` values, written before the key had a setting of its own, were
// encrypted with a key derived from the JWT secret and are still read with it.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import { resolveDataEncryptionKey, resolveJwtSecret } from '../../auth/secret';

/** A stored secret that cannot be decrypted with the configured keys; the message is fit for the user. */
export class SecretError extends Error {}

interface Key {
  id: string;
  material: Buffer;
}

interface Keyring {
  current: Key;
  byId: Map<string, Key>;
}

/** The first 8 hex characters of the SHA-256 of the key: `printf %s "$KEY" | sha256sum | cut -c1-8`. */
export function keyId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 8);
}

function keyOf(secret: string): Key {
  const material = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'credit-management stored secrets v2', 32));
  return { id: keyId(secret), material };
}

const keyrings = new WeakMap<Config, Keyring>();

function keyring(config: Config): Keyring {
  let ring = keyrings.get(config);
  if (!ring) {
    const current = keyOf(resolveDataEncryptionKey(config));
    const byId = new Map(config.dataEncryptionKeysOld.map((secret) => [keyId(secret), keyOf(secret)]));
    byId.set(current.id, current);
    ring = { current, byId };
    keyrings.set(config, ring);
  }
  return ring;
}

/** The v1 key: derived from the JWT secret, with a purpose string that keeps it apart from the signing key. */
function v1Key(config: Config): Buffer {
  return createHash('sha256').update(`import-source-secret:${resolveJwtSecret(config)}`).digest();
}

function decrypt(key: Buffer, iv: string, tag: string, data: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
}

export function encryptSecret(config: Config, plain: string): string {
  const { current } = keyring(config);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', current.material, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v2', current.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

export function decryptSecret(config: Config, stored: string): string {
  const parts = stored.split(':');
  if (parts[0] === 'v1' && parts.length === 4) {
    try {
      return decrypt(v1Key(config), parts[1], parts[2], parts[3]);
    } catch {
      throw new SecretError('The stored Authorization header was encrypted with a key derived from an earlier JWT_SECRET; enter it again');
    }
  }
  if (parts[0] !== 'v2' || parts.length !== 5) throw new SecretError('The stored Authorization header is in an unknown format; enter it again');
  const [, id, iv, tag, data] = parts;
  const key = keyring(config).byId.get(id);
  if (!key) throw new SecretError(`The stored Authorization header was encrypted with a key that is not configured (key id ${id}); enter it again`);
  try {
    return decrypt(key.material, iv, tag, data);
  } catch {
    throw new SecretError(`The stored Authorization header could not be decrypted with key ${id}; enter it again`);
  }
}

/** Whether a stored value is encrypted with the current key (else re-encrypting it moves it off an old key). */
export function isCurrentKey(config: Config, stored: string): boolean {
  return stored.startsWith(`v2:${keyring(config).current.id}:`);
}
