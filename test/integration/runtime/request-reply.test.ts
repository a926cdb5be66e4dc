/**
 * Request/reply against a real broker, requester and replier as two separate processes running
 * the generated saas clients (reports asks users for a profile over direct reply-to), each as
 * its least-privilege broker user from the generated topology.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsService, requestUserProfileSend } from '../../../generated/clients/saas/reports.js';
import { createAmqpBus } from '../../../src/runtime/amqp-bus.js';
import { RequestInterruptedError } from '../../../src/runtime/errors.js';
import { applyTestTopology } from '../../support/broker.js';
import { systemTopology } from '../../support/saas-rpc.js';
import { quietLogger, until } from './support.js';

type Message = { event: string; outcomes?: string[]; late?: number; foreign?: number };

/** A child process running one side (test/fixtures/runtime/rpc-process.ts). */
function spawn(role: 'replier' | 'requester', url: string, extra: Record<string, string> = {}) {
  const script = fileURLToPath(new URL('../../fixtures/runtime/rpc-process.ts', import.meta.url));
  const child = fork(script, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ROLE: role, AMQP_URL: url, ...extra }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const inbox: Message[] = [];
  const waiters: Array<(m: Message) => boolean> = [];
  child.on('message', (m: Message) => {
    inbox.push(m);
    for (const w of [...waiters]) if (w(m)) waiters.splice(waiters.indexOf(w), 1);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  function next(event: string, timeoutMs = 60_000): Promise<Message> {
    const index = inbox.findIndex((m) => m.event === event);
    if (index !== -1) return Promise.resolve(inbox.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${role}: no ${event} within ${timeoutMs} ms`)), timeoutMs);
      void exited.then(() => reject(new Error(`${role} exited before ${event}`)));
      waiters.push((m) => {
        if (m.event !== event) return false;
        clearTimeout(timer);
        inbox.splice(inbox.indexOf(m), 1);
        resolve(m);
        return true;
      });
    });
  }
  async function ask(requests: string[], timeoutMs: number): Promise<string[]> {
    child.send({ requests, timeoutMs });
    return (await next('results', timeoutMs + 60_000)).outcomes!;
  }
  async function dropped(): Promise<{ late: number; foreign: number }> {
    child.send({ metrics: true });
    const m = await next('dropped');
    return { late: m.late!, foreign: m.foreign! };
  }
  return { child, next, ask, dropped, exited };
}

const children: ChildProcess[] = [];
let env: Awaited<ReturnType<typeof applyTestTopology>>;
let replier: ReturnType<typeof spawn>;
let requester: ReturnType<typeof spawn>;

beforeAll(async () => {
  env = await applyTestTopology(systemTopology('saas'), 'rpc');
  replier = spawn('replier', env.serviceUrl('saas/users'), { HANDLE_MS: '5', SLOW_MS: '1500' });
  requester = spawn('requester', env.serviceUrl('saas/reports'));
  await Promise.all([replier.next('ready'), requester.next('ready')]);
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const id = (prefix = '') => prefix + randomUUID().slice(prefix.length);

describe('request/reply between two services on a real broker', () => {
  it('round trip: the requester gets the replier’s typed reply over direct reply-to', async () => {
    const ids = Array.from({ length: 50 }, () => id());
    expect(await requester.ask(ids, 10_000)).toEqual(ids.map((u) => `ok:${u}`));
  });

  it('an error in the replier reaches the caller as a RemoteError at once, not as a timeout', async () => {
    const started = Date.now();
    expect(await requester.ask([id('00000000')], 30_000)).toEqual(['RemoteError:handler-failed:UserNotFound']);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a reply slower than the timeout: RequestTimeoutError, and the late reply is dropped and counted', async () => {
    const before = await requester.dropped();
    expect(await requester.ask([id('dddddddd')], 300)).toEqual(['RequestTimeoutError']);
    await until(async () => (await requester.dropped()).late === before.late + 1, 'the late reply to arrive and be dropped', 20_000);
  });

  it('the replier restarts mid-stream: every request in flight is answered or fails with a typed error, none hangs', async () => {
    const ids = Array.from({ length: 300 }, () => id());
    const outcomes = requester.ask(ids, 90_000);
    // Kill the replier while requests are queued and in its hands, then start a new one.
    await new Promise((resolve) => setTimeout(resolve, 150));
    replier.child.kill('SIGKILL');
    await replier.exited;
    replier = spawn('replier', env.serviceUrl('saas/users'), { HANDLE_MS: '5', SLOW_MS: '1500' });
    await replier.next('ready');
    const results = await outcomes;
    expect(results).toHaveLength(ids.length);
    const typed = new Set(['RequestTimeoutError', 'RequestInterruptedError', 'RemoteError:handler-failed:Error']);
    const tally: Record<string, number> = {};
    for (const [i, outcome] of results.entries()) {
      const kind = outcome === `ok:${ids[i]}` ? 'ok' : typed.has(outcome) ? outcome : `untyped ${outcome}`;
      tally[kind] = (tally[kind] ?? 0) + 1;
    }
    expect(Object.keys(tally).filter((k) => k.startsWith('untyped'))).toEqual([]);
    // The unacknowledged requests went back to the queue and the new replier answered them.
    expect(tally['ok'] ?? 0, JSON.stringify(tally)).toBeGreaterThan(ids.length * 0.9);
  }, 240_000);

  it('requests in flight when the requester’s connection is lost fail with RequestInterruptedError', async () => {
    const bus = await createAmqpBus({ urls: [env.serviceUrl('saas/reports')], service: reportsService, logger: quietLogger(), sends: [requestUserProfileSend] });
    try {
      const waiting = Array.from({ length: 5 }, () => bus.request(requestUserProfileSend, { userId: id('eeeeeeee') }, { timeoutMs: 60_000 }).catch((e: unknown) => e));
      await until(() => bus.health().requests === 5, 'five requests in flight');
      const user = env.applied.users['saas/reports']!.username;
      let connections: { name: string; user: string }[] = [];
      await until(async () => {
        connections = (await env.management.connections()).filter((c) => c.user === user && c.client_properties?.connection_name === 'saas/reports');
        return connections.length >= 2; // the child requester's and this bus's
      }, 'the requester connections');
      await Promise.all(connections.map((c) => env.management.closeConnection(c.name, 'test: connection lost')));
      for (const outcome of await Promise.all(waiting)) expect(outcome).toBeInstanceOf(RequestInterruptedError);
      // After the reconnect, requests work again.
      await until(() => bus.health().connection === 'connected', 'the reconnect');
      await expect(bus.request(requestUserProfileSend, { userId: id() }, { timeoutMs: 10_000 })).resolves.toMatchObject({ status: 'active' });
    } finally {
      await bus.close();
    }
  }, 90_000);
});
