// Assertions on GraphQL results: coded errors, and nothing leaked.
import type { ExecutionResult } from 'graphql';

export function errorCode(result: ExecutionResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code as string | undefined;
}

/** The result failed with `code` (and, where given, blamed input `field`). */
export function expectError(result: ExecutionResult<unknown>, code: string, field?: string): void {
  expect(result.errors?.length).toBeGreaterThan(0);
  expect({ code: errorCode(result), field: result.errors?.[0]?.extensions?.field }).toEqual(
    field === undefined ? { code, field: result.errors?.[0]?.extensions?.field } : { code, field },
  );
}

/** Succeeded, with data and no errors; returns the data. */
export function expectData<T>(result: ExecutionResult<T>): T {
  expect(result.errors).toBeUndefined();
  expect(result.data).toBeTruthy();
  return result.data as T;
}

/**
 * NOT_FOUND and no data at all about the target: every root field is null
 * (or the whole data is null), so nothing of another administration leaks.
 */
export function expectNotFoundWithoutData(result: ExecutionResult<unknown>): void {
  expect(errorCode(result)).toBe('NOT_FOUND');
  const data = result.data as Record<string, unknown> | null | undefined;
  if (data) for (const value of Object.values(data)) expect(value).toBeNull();
}
