/**
 * Vitest global setup: one real PostgreSQL server (Debian's package) per test run, on a free
 * 127.0.0.1 port, stopped by PID afterwards. Test files take their own database from it
 * (see ./postgres.ts), so files never see each other's rows.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../src/local-cluster/postgres-server.js';

export interface TestPostgres {
  /** Superuser URL of the `postgres` database (used to create per-file databases). */
  readonly url: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: TestPostgres;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide('postgres', { url: server.url });
  return async () => {
    await server.stop();
  };
}
