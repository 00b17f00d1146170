// Demo data for a new database: one user who owns one administration.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { hashPassword } from '../auth/password';
import { Membership, User } from '../entities';
import { newAdministration } from '../services/administration/administration-service';
import { Role } from '../entities/Membership';

export const DEMO_EMAIL = 'demo@example.com';

export interface DemoLogin {
  email: string;
  password: string;
}

/**
 * Seeds the demo user and administration when the database has no users yet.
 * The password is random per installation and kept in the data folder, so
 * later starts can print it again; it is never a well-known default.
 */
export async function seedDemo(orm: MikroORM, dataDir: string): Promise<DemoLogin | null> {
  const loginFile = path.join(dataDir, 'demo-login.json');
  const em = orm.em.fork();
  if ((await em.count(User, {})) > 0) {
    return fs.existsSync(loginFile) ? (JSON.parse(fs.readFileSync(loginFile, 'utf8')) as DemoLogin) : null;
  }
  const login = { email: DEMO_EMAIL, password: `demo-${randomBytes(9).toString('base64url')}` };
  await em.transactional(async (tx) => {
    const user = tx.create(User, { email: login.email, name: 'Demo User', passwordHash: await hashPassword(login.password) });
    const administration = newAdministration(tx, 'Demo Administration', 'EUR');
    tx.create(Membership, { administration, user, role: Role.OWNER });
  });
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(loginFile, JSON.stringify(login), { mode: 0o600 });
  return login;
}
