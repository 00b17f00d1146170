// Jest global teardown: drops the run's databases and stops the embedded PostgreSQL.
export default async function globalTeardown(): Promise<void> {
  await globalThis.__testCleanup?.();
}
