// Loads pg as it loads on Node.js 21 and later, before anything else does. Loading it asks whether this is a
// Cloudflare Worker: from `navigator.userAgent` where Node.js has a navigator (21 and later), otherwise by making a
// fetch Response, which on Node.js 20 loads all of Node's fetch (undici) first: a tenth of a second or more of every
// start, for a Response nothing else here needs at start-up. On Node.js 20 a navigator is there for that one question.
import { createRequire } from 'node:module';

const global = globalThis as { navigator?: unknown };
if (global.navigator === undefined) {
  global.navigator = { userAgent: `Node.js/${process.versions.node}` };
  try {
    // Ours, and MikroORM's own copy (another version).
    for (const from of [__filename, require.resolve('@mikro-orm/postgresql')]) createRequire(from)('pg');
  } finally {
    delete global.navigator;
  }
}
