// graphql-ws's `subscribe`: graphql-js's own, except that the subscribers of one event who ask the same thing share
// one execution of it. Without this, an event reaching 10,000 subscribers is executed 10,000 times in the process
// that serves them (each a full pass over the selection, the auth checker included), which is most of the cost
// of a burst of events; with it, an administration's 100 open inboxes running the client's one query cost one.
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { RequestContext } from '../context';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Per event payload (one object per event, shared by its subscribers: pubsub.ts): the results per request key. */
const resultsByEvent = new WeakMap<object, Map<string, Result>>();

/**
 * Who may share a result: the same document, variables and operation, and the same roles, checked for this very
 * event (member-subscription.ts rechecks before each event and writes the role it found into `roles`). An event's
 * subscribers are all members of its administration, so a shared result never crosses administrations; and no
 * field under a subscription depends on the user beyond their role (what `roles` covers).
 */
function requestKey(args: ExecutionArgs): string {
  return `${documentId(args.document)}\n${JSON.stringify(args.variableValues ?? {})}\n${args.operationName ?? ''}`;
}

/**
 * A short id per syntax tree. One text is one tree (document-cache.ts), so subscriptions sending the same query share
 * its id; and the key compared for every delivery stays short instead of holding the printed query.
 */
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;
function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) {
    id = (nextDocumentId += 1);
    documentIds.set(document, id);
  }
  return id;
}

/** The request's roles as a key: the subscription's membership check keeps them current (member-channels.ts). */
function rolesKey(roles: RequestContext['roles']): string {
  let key = '';
  for (const [administrationId, role] of roles) key += `${administrationId}=${role};`;
  return key;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

export async function subscribeSharingExecution(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const source = stream[Symbol.asyncIterator]();
  const request = requestKey(args);
  const context = args.contextValue as RequestContext;

  const resultFor = (payload: unknown): Result => {
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    const key = `${request}\n${rolesKey(context.roles)}`;
    let results = resultsByEvent.get(payload);
    if (!results) {
      results = new Map();
      resultsByEvent.set(payload, results);
    }
    let result = results.get(key);
    if (!result) {
      const execution = execute({ ...args, rootValue: payload });
      result = execution;
      results.set(key, execution);
      // Once done, the later subscribers take the result itself rather than waiting on a promise each.
      if (execution instanceof Promise) void execution.then((done) => results.set(key, done), () => undefined);
    }
    return result;
  };

  const close = async (): Promise<IteratorResult<ExecutionResult>> => {
    await source.return?.();
    return DONE;
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () =>
      source.next().then((event) => {
        if (event.done) return DONE;
        const result = resultFor(event.value);
        return result instanceof Promise ? result.then((value) => ({ value, done: false })) : { value: result, done: false };
      }),
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
