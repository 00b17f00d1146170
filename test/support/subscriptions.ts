// graphql-ws subscribers for tests: collect what arrives, and wait for an event matching a condition.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface Subscriber<R> {
  events: R[];
  errors: unknown[];
  /** True once the server completed the subscription or ended it with an error. */
  ended(): boolean;
  waitFor(predicate: (event: R) => boolean, timeoutMs?: number): Promise<R>;
  close(): Promise<void>;
}

export async function subscribe<R, V extends Record<string, unknown>>(
  wsUrl: string,
  token: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<Subscriber<R>> {
  const client: Client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
  const events: R[] = [];
  const errors: unknown[] = [];
  let notify: (() => void) | null = null;
  let ended = false;
  client.subscribe<R>({ query: print(document), variables }, {
    next: (result: ExecutionResult<R>) => {
      if (result.errors) errors.push(...result.errors);
      if (result.data) events.push(result.data);
      notify?.();
    },
    // A subscription the server ends with an error sends its GraphQL errors as a list.
    error: (error) => {
      errors.push(...(Array.isArray(error) ? (error as unknown[]) : [error]));
      ended = true;
      notify?.();
    },
    complete: () => {
      ended = true;
    },
  });
  // The subscription is registered once the server acknowledged it; a short settle avoids racing the first event.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    events,
    errors,
    ended: () => ended,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(events)} errors ${JSON.stringify(errors)}`);
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => client.dispose() as Promise<void>,
  };
}
