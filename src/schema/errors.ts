// Coded GraphQL errors (extensions.code) and how errors leave the server.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'TOO_MANY_REQUESTS' | 'SERVICE_UNAVAILABLE';

export class CodedError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const unauthenticated = (message = 'You must be logged in') => new CodedError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Your role does not allow this') => new CodedError('FORBIDDEN', message);
export const notFound = (what = 'Not found') => new CodedError('NOT_FOUND', what);
export const conflict = (message: string) => new CodedError('CONFLICT', message);
/** A provider this needs (the payment provider) refused or could not be reached; nothing was changed. */
export const serviceUnavailable = (message: string) => new CodedError('SERVICE_UNAVAILABLE', message);
export const tooManyRequests = (message = 'Too many attempts; try again later') => new CodedError('TOO_MANY_REQUESTS', message);
/** Bad input; `field` names the input field at fault, where one is. */
export const badInput = (message: string, field?: string) =>
  new CodedError('BAD_USER_INPUT', message, field ? { field } : {});

const PASS_THROUGH_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Expected failures keep their code and message; anything else becomes a plain
 * INTERNAL_SERVER_ERROR so no internals (SQL, stack traces) reach a client.
 * Outside development, "Did you mean ...?" suggestions are stripped: they leak the schema.
 */
export function createErrorFormatter(options: { development: boolean; onUnexpected: (error: unknown) => void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = String(formatted.extensions?.code ?? '');
    if (isArgumentValidationError(original)) {
      return { message: 'Invalid input', path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (!PASS_THROUGH_CODES.has(code)) {
      options.onUnexpected(original);
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    const message = options.development ? formatted.message : formatted.message.replace(/ ?Did you mean .+\?$/, '');
    const extensions = { ...formatted.extensions };
    delete extensions.stacktrace;
    return { ...formatted, message, extensions };
  };
}

function isArgumentValidationError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ArgumentValidationError';
}
