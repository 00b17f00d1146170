// GraphQL multipart requests (the upload spec), as a browser or client library sends them.
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface UploadOptions {
  token?: string;
  /** Apollo's CSRF rule wants a preflight header on multipart requests; tests leave it out to check that. */
  preflight?: boolean;
}

export async function postUpload<R, V>(
  url: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  file: { name: string; content: Buffer | string; field?: string },
  options: UploadOptions = {},
): Promise<{ status: number; body: ExecutionResult<R> }> {
  const form = new FormData();
  const field = file.field ?? 'file';
  form.append('operations', JSON.stringify({ query: print(document), variables: { ...variables, [field]: null } }));
  form.append('map', JSON.stringify({ 0: [`variables.${field}`] }));
  form.append('0', new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]), file.name);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.preflight === false ? {} : { 'apollo-require-preflight': 'true' }),
    },
    body: form,
  });
  const text = await response.text();
  let body: ExecutionResult<R>;
  try {
    body = JSON.parse(text) as ExecutionResult<R>;
  } catch {
    body = { errors: [{ message: text } as never] };
  }
  return { status: response.status, body };
}
