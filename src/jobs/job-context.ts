// A job's context: the twin of a request's, with no user behind it.
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createRequestContext, type AppServices, type RequestContext } from '../context';

export function createJobContext(app: AppServices, orm: MikroORM): RequestContext {
  return createRequestContext(app, orm.em, { userId: null, ip: '', requestId: `job-${randomUUID()}` });
}
