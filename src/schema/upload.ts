// The Upload scalar of GraphQL multipart requests. graphql-upload's own scalar is ESM-only and the schema
// is built synchronously from CommonJS, so this is its equivalent: the value is the upload's promise.
import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { FileUpload } from '../domain/files';

export const UploadScalar = new GraphQLScalarType<Promise<FileUpload>, never>({
  name: 'Upload',
  description: 'a file in a GraphQL multipart request',
  parseValue(value) {
    // graphql-upload's processRequest puts an Upload instance (with a `promise`) where the file goes.
    const promise = (value as { promise?: unknown } | null)?.promise;
    if (promise instanceof Promise) return promise as Promise<FileUpload>;
    throw new GraphQLError('Upload must be a file sent as a GraphQL multipart request', { extensions: { code: 'BAD_USER_INPUT' } });
  },
  parseLiteral() {
    throw new GraphQLError('Upload literal unsupported', { extensions: { code: 'BAD_USER_INPUT' } });
  },
  serialize() {
    throw new GraphQLError('Upload serialization unsupported');
  },
});
