/**
 * Services of this repository started inside the test process on the in-memory transport (one
 * broker per system, loaded with the generated topology) and one in-memory PGlite shared through
 * schemas: fast enough to test each service's edge cases one by one. Flows across real processes
 * and RabbitMQ are the end-to-end tests' job (test/e2e).
 */
import { existsSync, readFileSync } from 'node:fs';
import { PGliteStore } from '../../../../src/durable/pglite-store.js';
import type { DurableStore } from '../../../../src/durable/store.js';
import { freePort } from '../../../../src/local-cluster/free-port.js';
import type { EnqueuedEvent } from '../../../../src/runtime/memory/memory-broker.js';
import { startService, type RunningService } from '../../../../src/service-kit/service.js';
import { memoryTransport } from '../../../../src/service-kit/transport.js';
import type { TopologyDocument } from '../../../../src/topology/types.js';
import { serviceEntry } from '../../../../services/registry.js';
import { urlEnvironment } from '../../../../services/stack.js';

export function topology(): TopologyDocument {
  if (!existsSync('generated/topology.json')) throw new Error('generated/topology.json is missing: run `npm run generate` first');
  return JSON.parse(readFileSync('generated/topology.json', 'utf8')) as TopologyDocument;
}

export interface Enqueued {
  readonly queue: string;
  readonly type: string;
  readonly messageId: string;
  readonly correlationId: string | undefined;
  readonly payload: any;
}

export interface InMemoryServices {
  readonly urls: Record<string, string>;
  readonly services: Map<string, RunningService>;
  readonly store: DurableStore;
  /** The in-memory brokers, for stand-ins the test starts beside the services. */
  readonly transport: ReturnType<typeof memoryTransport>;
  /** Every message put on a queue (not retry or dead-letter queues), in order. */
  readonly enqueued: Enqueued[];
  /** Resolves once `count` messages of `type` (matching `match`) were put on `queue` (bounded). */
  waitFor(queue: string, type: string, match?: (e: Enqueued) => boolean, count?: number, timeoutMs?: number): Promise<Enqueued[]>;
  deadLettered(): EnqueuedEvent[];
  stop(): Promise<void>;
}

export async function startInMemory(ids: readonly string[], env: Record<string, Record<string, string>> = {}): Promise<InMemoryServices> {
  const transport = memoryTransport(topology());
  const store = await PGliteStore.open({ schema: 'eventplane' });
  const enqueued: Enqueued[] = [];
  const dead: EnqueuedEvent[] = [];
  for (const broker of transport.brokers.values()) {
    broker.on('enqueued', (event) => {
      if (event.role === 'dead-letter') dead.push(event);
      if (event.role !== 'consumer') return;
      const p = event.message.properties;
      enqueued.push({
        queue: event.queue,
        type: p.type ?? '',
        messageId: p.messageId ?? '',
        correlationId: p.correlationId,
        payload: JSON.parse(event.message.content.toString('utf8')),
      });
    });
  }
  const urls: Record<string, string> = {};
  for (const id of ids) urls[id] = `http://127.0.0.1:${await freePort()}`;
  const services = new Map<string, RunningService>();
  for (const id of ids) {
    const entry = serviceEntry(id);
    services.set(
      id,
      await startService(await entry.load(), {
        env: { PORT: new URL(urls[id]!).port, LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', ...urlEnvironment(entry, urls), ...env[id] },
        transport,
        sharedStore: store,
        processMetrics: false,
      }),
    );
  }
  return {
    urls,
    services,
    store,
    transport,
    enqueued,
    async waitFor(queue, type, match = () => true, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = enqueued.filter((e) => e.queue === queue && e.type === type && match(e));
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          throw new Error(`waited ${timeoutMs} ms for ${count} ${type} on ${queue}; saw: ${enqueued.map((e) => `${e.queue}:${e.type}`).join(', ') || 'nothing'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    deadLettered: () => dead,
    async stop() {
      for (const service of [...services.values()].reverse()) await service.close();
      await store.close();
      transport.close();
    },
  };
}

export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
