// The HTTP server: Apollo on Express at /graphql, graphql-ws on the same path, the playground and health checks.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { documentCache } from '../schema/document-cache';
import { subscribeSharingExecution } from '../schema/shared-subscription-execution';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createRequestContext, type AppServices, type RequestContext } from '../context';
import { createErrorFormatter, unauthenticated } from '../schema/errors';
import { costLimitPlugin, costLimitRule, queryLimitRules } from '../schema/limits';
import { MAX_PAGE_SIZE } from '../services/lists/pagination';
import { MAX_FILES_PER_REQUEST, MAX_UPLOAD_BYTES } from '../domain/files';
import { pendingMigrations } from '../db/database';
import { playgroundAssets, playgroundHtml, playgroundScript, PLAYGROUND_PREFIX } from './playground';
import { callerFromAuthorization, type Caller } from '../auth/principal';
import { DOCUMENT_PATH, documentRouter } from './documents';
import { MAILGUN_WEBHOOK_PATH, mailgunWebhookRouter } from './mailgun-webhooks';
import { loggedPath, PORTAL_ASSETS_PATH, PORTAL_PAGE_PATH, portalAssetsRouter, portalPageRouter } from './portal-page';
import { MOLLIE_WEBHOOK_PATH } from '../integrations/payments';
import { TEST_CHECKOUT_PATH } from '../integrations/payments/test-provider';
import { paymentWebhookRouter, testCheckoutRouter } from './payment-webhooks';

export const GRAPHQL_PATH = '/graphql';

export interface HttpServer {
  server: http.Server;
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, drains HTTP requests and closes every WebSocket. */
  stop(): Promise<void>;
}

/** Named checks of parts outside the HTTP server (each true while up), reported by /readyz. */
export type Readiness = Record<string, () => boolean>;

export async function createHttpServer(app: AppServices, orm: MikroORM, schema: GraphQLSchema, readiness: Readiness = {}): Promise<HttpServer> {
  const { config, logger } = app;
  const development = config.nodeEnv === 'development';
  const expressApp = express();
  expressApp.disable('x-powered-by');
  const server = http.createServer(expressApp);

  const subscriptionDocuments = documentCache({
    maxTokens: config.maxTokens,
    validate: (validSchema, document) => validate(validSchema, document, [...specifiedRules, ...queryLimitRules(limitsOf(config)), costLimitRule(limitsOf(config))]),
  });
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: 1024 * 1024 });
  const wsCleanup = useServer<{ authorization?: unknown }, { caller?: Caller }>(
    {
      schema,
      subscribe: subscribeSharingExecution,
      // The token is checked before any subscription can start; a bad one closes the socket (4403).
      onConnect: async (ctx) => {
        const caller = await callerFromAuthorization(app.tokens, ctx.connectionParams?.authorization);
        if (caller.invalid || (!caller.userId && !caller.portal)) return false;
        ctx.extra.caller = caller;
        return true;
      },
      context: (ctx): RequestContext =>
        createRequestContext(app, orm.em, {
          userId: ctx.extra.caller?.userId ?? null,
          portal: ctx.extra.caller?.portal ?? null,
          ip: ctx.extra.request.socket.remoteAddress ?? '',
          requestId: randomUUID(),
        }),
      parse: subscriptionDocuments.parse,
      validate: subscriptionDocuments.validate,
    },
    wsServer,
  );

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // main.ts owns shutdown (HTTP, WebSocket, jobs, ORM, database in order); Apollo must not race it.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: config.maxTokens },
    validationRules: queryLimitRules(limitsOf(config)),
    formatError: createErrorFormatter({
      development,
      onUnexpected: (error) => logger.error({ err: error }, 'unexpected error in a GraphQL operation'),
    }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of GraphQL answers here; the plugin would otherwise wrap every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      costLimitPlugin(limitsOf(config)),
      {
        async serverWillStart() {
          return { drainServer: async () => wsCleanup.dispose() };
        },
      },
    ],
  });
  await apollo.start();

  expressApp.use((req, res, next) => {
    const requestId = String(req.headers['x-request-id'] ?? randomUUID()).slice(0, 100);
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    const started = process.hrtime.bigint();
    // Read now: a mounted router strips its prefix from req.path while it answers.
    const path = loggedPath(req.path);
    res.on('finish', () =>
      logger.info(
        { requestId, method: req.method, path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      ),
    );
    next();
  });

  expressApp.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready when the database answers, the migrations are applied, and every part the process runs (the
  // live-event listener) is up; the body names each check, so an operator sees which one fails.
  expressApp.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    try {
      await orm.em.getConnection().execute('select 1');
      checks.database = 'up';
      const pending = await pendingMigrations(orm);
      checks.migrations = pending > 0 ? `${pending} pending` : 'up';
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      checks.database = 'down';
    }
    for (const [name, isUp] of Object.entries(readiness)) checks[name] = isUp() ? 'up' : 'down';
    const ready = Object.values(checks).every((state) => state === 'up');
    res.status(ready ? 200 : 503).json({ ready, checks });
  });

  expressApp.use(PLAYGROUND_PREFIX, playgroundAssets());
  expressApp.get(`${PLAYGROUND_PREFIX}/playground.js`, (_req, res) => {
    res.type('application/javascript').send(playgroundScript(GRAPHQL_PATH));
  });
  expressApp.get(GRAPHQL_PATH, (req, res, next) => {
    if (req.accepts(['application/json', 'text/html']) === 'text/html' && !req.query.query) {
      res.type('html').send(playgroundHtml());
      return;
    }
    next();
  });

  // The customer portal's page for debtors (GET /portal/<access token>), on the portal GraphQL operations.
  expressApp.use(PORTAL_PAGE_PATH, portalPageRouter());
  expressApp.use(PORTAL_ASSETS_PATH, portalAssetsRouter());

  // Invoice documents behind short-lived signed links (Document.url).
  expressApp.use(DOCUMENT_PATH, documentRouter(app, orm));

  // Mailgun's delivery events and replies, signed with MAILGUN_WEBHOOK_SIGNING_KEY.
  expressApp.use(MAILGUN_WEBHOOK_PATH, mailgunWebhookRouter(app, orm));

  // Online payments: the provider's webhook (fetches the payment, never trusts the post) and the test provider's checkout page.
  expressApp.use(MOLLIE_WEBHOOK_PATH, paymentWebhookRouter(app, orm));
  expressApp.use(TEST_CHECKOUT_PATH, testCheckoutRouter(app, orm));

  // GraphQL multipart uploads (importFile, message attachments); Apollo's CSRF rule still demands a preflight header on them.
  const { default: graphqlUploadExpress } = await import('graphql-upload/graphqlUploadExpress.mjs');
  expressApp.use(GRAPHQL_PATH, graphqlUploadExpress({ maxFileSize: MAX_UPLOAD_BYTES, maxFiles: MAX_FILES_PER_REQUEST }));

  expressApp.use(
    GRAPHQL_PATH,
    // importInvoices takes up to 10,000 invoices in one request (about 5 MB of JSON).
    express.json({ limit: '10mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const caller = await callerFromAuthorization(app.tokens, req.headers.authorization);
        if (caller.invalid) throw unauthenticated('Invalid or expired token');
        return createRequestContext(app, orm.em, {
          userId: caller.userId,
          portal: caller.portal,
          ip: req.ip ?? req.socket.remoteAddress ?? '',
          requestId: String(res.locals.requestId),
        });
      },
    }),
  );

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    async stop() {
      await apollo.stop();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function limitsOf(config: AppServices['config']) {
  return { maxDepth: config.maxQueryDepth, maxAliases: config.maxAliases, maxCost: config.maxCost, maxPageSize: MAX_PAGE_SIZE };
}
