// graphql-ws subscribers for tests: collect what arrives, and wait for an event matching a condition.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface Subscriber<R> {
  events: R[];
  errors: unknown[];
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
  client.subscribe<R>({ query: print(document), variables }, {
    next: (result: ExecutionResult<R>) => {
      if (result.errors) errors.push(...result.errors);
      if (result.data) events.push(result.data);
      notify?.();
    },
    error: (error) => {
      errors.push(error);
      notify?.();
    },
    complete: () => undefined,
  });
  // The subscription is registered once the server acknowledged it; a short settle avoids racing the first event.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    events,
    errors,
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
