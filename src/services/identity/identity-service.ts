// Sign-up, login and the current user.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { RequestContext } from '../../context';
import { User } from '../../entities/User';
import { decoyPasswordHash, hashPassword, passwordProblem, verifyPassword } from '../../auth/password';
import { clearHits, isLimited, recordHit, type RateLimit } from '../../auth/rate-limit';
import { badInput, conflict, tooManyRequests, unauthenticated } from '../../schema/errors';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function validEmail(email: string): string {
  const normalized = normalizeEmail(email);
  if (!EMAIL.test(normalized) || normalized.length > 254) throw badInput('Enter a valid email address', 'email');
  return normalized;
}

async function authPayload(ctx: RequestContext, user: User) {
  return { token: await ctx.tokens.sign(user.id, 'user'), user };
}

export async function signUp(ctx: RequestContext, input: { email: string; password: string; name: string }) {
  const email = validEmail(input.email);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw badInput('Name must be 1 to 200 characters', 'name');
  const weakness = passwordProblem(input.password, email);
  if (weakness) throw badInput(weakness, 'password');
  if (await ctx.em.findOne(User, { email })) throw conflict('An account with this email address already exists');
  const user = ctx.em.create(User, { email, name, passwordHash: await hashPassword(input.password) });
  try {
    await ctx.em.persistAndFlush(user);
  } catch (error) {
    // Two sign-ups for one address at the same moment: the unique index decides.
    if (error instanceof UniqueConstraintViolationException) throw conflict('An account with this email address already exists');
    throw error;
  }
  return authPayload(ctx, user);
}

function loginLimits(ctx: RequestContext, email: string): RateLimit[] {
  const { perEmail, perIp, windowSeconds } = ctx.config.loginRateLimit;
  return [
    { key: `login:email:${email}`, limit: perEmail, windowSeconds },
    { key: `login:ip:${ctx.ip}`, limit: perIp, windowSeconds },
  ];
}

/**
 * Failed attempts are counted per email and per IP; once either is over its
 * limit, even a right password is refused until the window passes. A wrong
 * email and a wrong password give the same answer, in about the same time.
 */
export async function login(ctx: RequestContext, input: { email: string; password: string }) {
  const email = normalizeEmail(input.email);
  const limits = loginLimits(ctx, email);
  const now = ctx.clock.now();
  for (const limit of limits) {
    if (await isLimited(ctx.em, limit, now)) throw tooManyRequests('Too many failed login attempts; try again later');
  }
  const user = await ctx.em.findOne(User, { email });
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !valid) {
    for (const limit of limits) await recordHit(ctx.em, limit, now);
    throw unauthenticated('Invalid email or password');
  }
  await clearHits(ctx.em, limits[0].key);
  return authPayload(ctx, user);
}

export async function currentUser(ctx: RequestContext): Promise<User> {
  const user = ctx.userId ? await ctx.em.findOne(User, { id: ctx.userId }) : null;
  if (!user) throw unauthenticated();
  return user;
}
