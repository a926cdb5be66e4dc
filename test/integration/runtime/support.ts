/**
 * Shared set-up for the runtime's broker tests: the shop fixture topology applied under a fresh
 * vhost (per test file) with one least-privilege user per service, buses for those services, and
 * an administrator channel to look at queues the way an operator would.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createAmqpBus, type AmqpBus, type AmqpBusOptions } from '../../../src/runtime/amqp-bus.js';
import type { ServiceDescriptor } from '../../../src/runtime/contract.js';
import { applyTestTopology } from '../../support/broker.js';
import type { OrderCreated } from '../../fixtures/runtime/shop-contract.js';
import { shopTopology } from '../../fixtures/runtime/shop-topology.js';

export const quietLogger = () => pino({ level: process.env['EP_TEST_LOG'] ?? 'silent' });

export async function shopBroker(label: string) {
  const env = await applyTestTopology(shopTopology(), label);
  const vhost = env.applied.vhosts['shop']!;
  const buses: AmqpBus[] = [];
  const connections: ChannelModel[] = [];

  async function bus(service: ServiceDescriptor, options: Partial<AmqpBusOptions> = {}): Promise<AmqpBus> {
    const created = await createAmqpBus({
      urls: [env.serviceUrl(service.id)],
      service,
      logger: quietLogger(),
      metrics: new Registry(),
      shutdownGraceMs: 5_000,
      ...options,
    });
    buses.push(created);
    return created;
  }

  /** A channel as the administrator (for looking into queues and sending raw bytes). */
  async function admin(): Promise<Channel> {
    const connection = await amqp.connect(env.adminUrl('shop'));
    connection.on('error', () => {});
    connections.push(connection);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {});
    return channel;
  }

  async function withAdmin<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = await amqp.connect(env.adminUrl('shop'));
    connection.on('error', () => {});
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      return await work(channel);
    } finally {
      await connection.close().catch(() => {});
    }
  }

  async function queueDepth(queue: string): Promise<number> {
    return withAdmin(async (channel) => (await channel.checkQueue(queue)).messageCount);
  }

  /** Takes every message off a queue (acknowledged), e.g. to inspect the dead-letter queue. */
  async function drain(queue: string): Promise<GetMessage[]> {
    return withAdmin(async (channel) => {
      const messages: GetMessage[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) break;
        messages.push(message);
        channel.ack(message);
      }
      return messages;
    });
  }

  /** Closes the buses made so far (after each test, so consumers do not outlive their test). */
  async function closeBuses(): Promise<void> {
    await Promise.all(buses.splice(0).map((b) => b.close().catch(() => {})));
  }

  async function close(): Promise<void> {
    await closeBuses();
    await Promise.all(connections.splice(0).map((c) => c.close().catch(() => {})));
  }

  /** The AMQP connections the broker lists for this vhost (the management API lags a little). */
  async function connectionsOf(expected: number) {
    let found: Awaited<ReturnType<typeof env.management.connections>> = [];
    await until(async () => {
      found = (await env.management.connections()).filter((c) => c.vhost === vhost);
      return found.length >= expected;
    }, `${expected} connections in the management API`);
    return found;
  }

  return { ...env, vhost, bus, admin, queueDepth, drain, close, closeBuses, connectionsOf };
}

/** Polls `condition` until true (bounded); for state that has no event to wait for. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A deferred: resolve it from a handler, await it in the test. */
export function signal<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function orderCreated(overrides: Partial<OrderCreated> = {}): OrderCreated {
  return {
    orderId: randomUUID(),
    customerId: 'c-42',
    total: 59.9,
    currency: 'EUR',
    lines: [{ sku: 'SKU-1', quantity: 2, price: 29.95 }],
    ...overrides,
  };
}

export interface ChildEvent {
  readonly event: 'ready' | 'started' | 'finished' | 'closed';
  readonly id?: string;
}

/** Runs test/fixtures/runtime/consumer-process.ts as a child process (see there for modes). */
export function spawnConsumer(env: Record<string, string>) {
  const script = fileURLToPath(new URL('../../fixtures/runtime/consumer-process.ts', import.meta.url));
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const events: ChildEvent[] = [];
  const waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  child.on('message', (message: ChildEvent) => {
    events.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.test()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  /** Resolves when `test` holds over the events so far; rejects if the child exits first. */
  function waitFor(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child: timed out waiting for ${what}`)), timeoutMs);
      waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      void exit.then((status) => {
        clearTimeout(timer);
        if (!test()) reject(new Error(`child exited (${status.code ?? status.signal}) before ${what}`));
      });
    });
  }
  return { child, events, exit, waitFor };
}
