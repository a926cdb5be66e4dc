/**
 * End-to-end harness: the generated topology applied to the test broker under a fresh namespace,
 * the services started as real processes (services/stack.ts) with their own broker users and
 * databases, HTTP helpers, and bounded polling for outcomes (never sleeps).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { Stack, type StackDatabase } from '../../../services/stack.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { applyTestTopology } from '../../support/broker.js';

const TOPOLOGY = 'generated/topology.json';

export function generatedTopology(): TopologyDocument {
  if (!existsSync(TOPOLOGY)) throw new Error(`${TOPOLOGY} is missing: run \`npm run generate\` before the end-to-end tests`);
  return JSON.parse(readFileSync(TOPOLOGY, 'utf8')) as TopologyDocument;
}

export interface E2eStack {
  readonly stack: Stack;
  readonly url: (serviceId: string) => string;
  /** Lines a service printed, for assertions on logs and for failure messages. */
  readonly lines: (serviceId: string) => readonly string[];
  readonly namespace: string;
  /** Where the services keep their data (the test side may break it on purpose). */
  readonly database: StackDatabase;
  readonly adminAmqpUrl: (vhost: string) => string;
  /** A service's own AMQP URL (its broker user), to publish as that service from the test side. */
  readonly serviceAmqpUrl: (serviceId: string) => string;
  readonly management: ReturnType<typeof import('../../support/broker.js').testBroker>['management'];
  dispose(): Promise<void>;
}

export type DatabaseChoice = 'pglite' | 'postgres';

/** A fresh database for the stack: PGlite directories under a temp dir, or a new PostgreSQL database (one schema per service). */
async function database(kind: DatabaseChoice, label: string): Promise<{ database: StackDatabase; dispose(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), `ep-e2e-${label}-`));
    return { database: { kind: 'pglite', dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = inject('postgres').url;
  const name = `e2e_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(3).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { database: { kind: 'postgres', url: url.toString() }, dispose: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export async function startE2eStack(options: {
  label: string;
  services: readonly string[];
  database: DatabaseChoice;
  serviceEnv?: Record<string, Record<string, string>>;
  env?: Record<string, string>;
  /** The topology to apply instead of the generated one (e.g. with a shorter retry ladder). */
  topology?: TopologyDocument;
}): Promise<E2eStack> {
  const applied = await applyTestTopology(options.topology ?? generatedTopology(), options.label);
  const db = await database(options.database, options.label);
  const output = new Map<string, string[]>();
  const stack = new Stack({
    services: options.services,
    amqpBase: `amqp://127.0.0.1:${applied.amqpPort}`,
    users: applied.applied.users,
    database: db.database,
    ports: 'free',
    env: { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '15000', ...options.env },
    ...(options.serviceEnv ? { serviceEnv: options.serviceEnv } : {}),
    onLine: (id, line) => {
      const lines = output.get(id) ?? [];
      lines.push(line);
      output.set(id, lines);
      if (process.env['E2E_VERBOSE']) process.stderr.write(`[${id}] ${line}\n`);
    },
  });
  try {
    await stack.start();
  } catch (error) {
    await db.dispose().catch(() => undefined);
    throw error;
  }
  return {
    stack,
    namespace: applied.namespace,
    database: db.database,
    url: (id) => {
      const url = stack.urls[id];
      if (!url) throw new Error(`${id} is not running in this stack`);
      return url;
    },
    lines: (id) => output.get(id) ?? [],
    adminAmqpUrl: applied.adminUrl,
    serviceAmqpUrl: applied.serviceUrl,
    management: applied.management,
    async dispose() {
      await stack.stop(20_000);
      await db.dispose();
    },
  };
}

export { httpJson as http, type JsonReply } from '../../../scripts/demo.js';

/**
 * Polls `probe` until `done` accepts its value, at most `timeoutMs`; returns the last value.
 * Throws with the last value seen when time runs out.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** The sum of a Prometheus metric's samples on a service's /metrics whose labels include `labels`. */
export async function metric(serviceUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}
