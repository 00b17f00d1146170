// Starts the real server (API and worker) on a free port against a fresh database, for one test file.
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig, type Role } from '../../src/config';
import { ManualClock, type Clock } from '../../src/clock';
import { startRuntime, type Runtime } from '../../src/runtime';
import { createTestDatabase } from './database';

export interface TestServer {
  url: string;
  wsUrl: string;
  databaseUrl: string;
  runtime: Runtime;
  /** The test's clock; with env TEST_CLOCK=true and no clock given the server runs on the database's test clock instead. */
  clock: ManualClock;
  gql<R, V>(document: TypedDocumentNode<R, V>, variables?: V, options?: RequestOptions): Promise<ExecutionResult<R>>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  role?: Role;
  clock?: Clock;
}

export const TEST_NOW = new Date('2026-03-02T10:00:00Z');

/** POSTs one GraphQL operation and returns the parsed body. */
export async function postGraphql<R>(url: string, body: unknown, options: RequestOptions = {}): Promise<ExecutionResult<R>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as ExecutionResult<R>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    LOGIN_MAX_PER_IP: '10000',
    ...options.env,
  });
  // With TEST_CLOCK the runtime reads the clock from the database (setTestClock moves it), unless a test brings its own.
  const onDatabaseClock = config.testClock && !options.clock;
  const clock = onDatabaseClock ? undefined : ((options.clock as ManualClock | undefined) ?? new ManualClock(TEST_NOW));
  const runtime = await startRuntime({ config, role: options.role ?? 'all', clock });
  const url = runtime.url!;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    databaseUrl: database.url,
    runtime,
    get clock(): ManualClock {
      if (!clock) throw new Error('This server runs on the database test clock (TEST_CLOCK=true): move it with setTestClock');
      return clock as ManualClock;
    },
    gql: (document, variables, requestOptions) => postGraphql(url, { query: print(document), variables }, requestOptions),
    async stop() {
      await runtime.stop();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
