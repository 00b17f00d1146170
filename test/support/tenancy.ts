// Reusable tenant-isolation check: an operation given another administration's ids is NOT_FOUND, with no data.
import type { ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { expectNotFoundWithoutData } from './assertions';
import type { TestServer } from './server';

export interface ForeignIdCase {
  name: string;
  run(server: TestServer, token: string): Promise<ExecutionResult<unknown>>;
}

/** An operation with variables whose ids belong to an administration the caller is not a member of. */
export function foreignIdCase<R, V>(name: string, document: TypedDocumentNode<R, V>, variables: V): ForeignIdCase {
  return { name, run: (server, token) => server.gql(document, variables, { token }) };
}

export async function expectForeignIdsNotFound(server: TestServer, token: string, testCase: ForeignIdCase): Promise<void> {
  const result = await testCase.run(server, token);
  try {
    expectNotFoundWithoutData(result);
  } catch (error) {
    throw new Error(`${testCase.name}: expected NOT_FOUND without data, got ${JSON.stringify(result)}\n${String(error)}`);
  }
}
