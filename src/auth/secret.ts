// Server secrets: JWT_SECRET and DATA_ENCRYPTION_KEY, or random ones kept in the data folder for the embedded setup.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';

/** The secret in DATA_DIR/<fileName>, created on first use; processes sharing the folder share it. */
function generatedSecret(dataDir: string, fileName: string): string {
  const file = path.join(dataDir, fileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    // 'wx' fails if another process wrote it first; then we read theirs.
    try {
      fs.writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** The token signing secret. */
export function resolveJwtSecret(config: Config): string {
  return config.jwtSecret ?? generatedSecret(config.dataDir, 'jwt-secret');
}

/** The key that encrypts stored secrets (an import source's Authorization header). */
export function resolveDataEncryptionKey(config: Config): string {
  return config.dataEncryptionKey ?? generatedSecret(config.dataDir, 'data-encryption-key');
}
