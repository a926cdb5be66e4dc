/**
 * Request/reply on the in-memory transport, through the generated saas clients: reports asks
 * users for a profile (`get.user_profile`) and waits for the UserProfile reply.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createReportsPublisher, reportsService, requestUserProfileSend } from '../../../generated/clients/saas/reports.js';
import { subscribeUsers, usersGetUserProfileReceive, usersService, type UsersHandlers } from '../../../generated/clients/saas/users.js';
import type { UserProfile } from '../../../generated/types/saas.js';
import { InvalidPayloadError, InvalidReplyError, RemoteError, RequestInterruptedError, RequestTimeoutError } from '../../../src/runtime/errors.js';
import { createInMemoryBus, type InMemoryBus } from '../../../src/runtime/memory-bus.js';
import { InMemoryBroker } from '../../../src/runtime/memory/memory-broker.js';
import { pino } from 'pino';
import { counterValue, GRACE, profileOf, systemTopology, until } from '../../support/saas-rpc.js';
import { checkoutService, checkStockSend, labTopology, REPLY_QUEUE, stockCheckStockReceive, stockService, type CheckStock } from '../../support/lab-stock.js';

const logger = pino({ level: 'silent' });
let buses: InMemoryBus[] = [];
afterEach(async () => {
  await Promise.all(buses.map((b) => b.close()));
  buses = [];
});

function pair(handlers: UsersHandlers) {
  const broker = new InMemoryBroker();
  broker.loadTopology(systemTopology('saas'));
  const users = createInMemoryBus({ service: usersService, broker, logger, shutdownGraceMs: 100 });
  const reports = createInMemoryBus({ service: reportsService, broker, logger });
  buses.push(users, reports);
  return { broker, users, reports, ready: subscribeUsers(users, handlers), client: createReportsPublisher(reports) };
}

class UserNotFound extends Error {
  override readonly name = 'UserNotFound';
}

describe('request/reply on the in-memory bus', () => {
  it('answers a request with the typed, validated reply; the request carries reply_to and the flow keeps its correlation id', async () => {
    const seen: { replyTo?: string; correlationId?: string }[] = [];
    const { client, ready, reports, users } = pair({
      onGetUserProfile: async (delivery) => {
        seen.push({ replyTo: delivery.envelope.replyTo, correlationId: delivery.envelope.correlationId });
        return profileOf(delivery.payload.userId);
      },
    });
    await ready;
    const profile: UserProfile = await client.requestUserProfile({ userId: GRACE }, { correlationId: 'flow-1', timeoutMs: 5_000 });
    expect(profile).toEqual(profileOf(GRACE));
    expect(seen).toEqual([{ replyTo: expect.stringMatching(/^amq\.rabbitmq\.reply-to\./), correlationId: 'flow-1' }]);
    // Several requests in flight, answered each to its own caller.
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const replies = await Promise.all(ids.map((userId) => client.requestUserProfile({ userId })));
    expect(replies.map((r) => r.userId)).toEqual(ids);
    expect(await counterValue(reports.metrics, 'eventplane_request_duration_seconds', { type: 'saas.GetUserProfile', outcome: 'ok' })).toBe(21);
    expect(reports.health().requests).toBe(0);
    expect(await counterValue(users.metrics, 'eventplane_error_replies_total')).toBe(0);
  });

  it('a replier that throws sends an error reply: the caller gets a RemoteError at once, not a timeout', async () => {
    const { client, ready, reports, users } = pair({
      onGetUserProfile: async (delivery) => {
        throw new UserNotFound(`no user ${delivery.payload.userId}`);
      },
    });
    await ready;
    const started = Date.now();
    const error = await client.requestUserProfile({ userId: GRACE }, { timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'handler-failed', remoteName: 'UserNotFound', remoteMessage: `no user ${GRACE}`, replier: 'saas/users', requestType: 'saas.GetUserProfile' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await counterValue(users.metrics, 'eventplane_error_replies_total', { side: 'sent' })).toBe(1);
    expect(await counterValue(reports.metrics, 'eventplane_error_replies_total', { side: 'received' })).toBe(1);
  });

  it('a reply that breaks the contract never reaches the caller as a value: the replier sends an invalid-reply error', async () => {
    const { client, ready } = pair({
      onGetUserProfile: async (delivery) => ({ ...profileOf(delivery.payload.userId), role: 'emperor' }) as unknown as UserProfile,
    });
    await ready;
    const error = await client.requestUserProfile({ userId: GRACE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('invalid-reply');
    expect((error as RemoteError).remoteMessage).toContain('role');
  });

  it('the requester validates the reply too: an invalid reply from a replier that skips validation is refused', async () => {
    const broker = new InMemoryBroker();
    broker.loadTopology(systemTopology('saas'));
    const reports = createInMemoryBus({ service: reportsService, broker, logger });
    buses.push(reports);
    // A rogue replier answering by hand, past any validation.
    broker.consume(usersGetUserProfileReceive.queue, 10, (delivery) => {
      const { replyTo, messageId } = delivery.message.properties;
      broker.publish({
        exchange: '',
        routingKey: replyTo!,
        content: Buffer.from(JSON.stringify({ userId: 'not-a-uuid' })),
        messageId: randomUUID(),
        type: 'saas.UserProfile',
        properties: { type: 'saas.UserProfile', headers: { 'ce-causationid': messageId } },
      });
      delivery.settle('ack');
    });
    const error = await createReportsPublisher(reports).requestUserProfile({ userId: GRACE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidReplyError);
    expect((error as InvalidReplyError).detail).toMatch(/email|fullName|userId/);
  });

  it('times out with RequestTimeoutError; the reply that comes later is dropped and counted as late, a foreign one as foreign', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const { client, ready, reports, broker } = pair({
      onGetUserProfile: async (delivery) => {
        await released;
        handled++;
        return profileOf(delivery.payload.userId);
      },
    });
    await ready;
    const error = await client.requestUserProfile({ userId: GRACE }, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ requestType: 'saas.GetUserProfile', timeoutMs: 50 });
    expect(await counterValue(reports.metrics, 'eventplane_request_timeouts_total')).toBe(1);
    release();
    await until(async () => (await counterValue(reports.metrics, 'eventplane_replies_dropped_total', { reason: 'late' })) === 1, 'the late reply to be dropped');
    expect(handled).toBe(1);
    // A reply to something this requester never asked.
    const address = (reports as unknown as { replies: Map<string, { address: string }> }).replies.get('')!.address;
    broker.publish({ exchange: '', routingKey: address, content: Buffer.from('{}'), messageId: 'x', type: 'saas.UserProfile', properties: { headers: { 'ce-causationid': 'never-asked' } } });
    await until(async () => (await counterValue(reports.metrics, 'eventplane_replies_dropped_total', { reason: 'foreign' })) === 1, 'the foreign reply to be dropped');
  });

  it('refuses an invalid request before it leaves the process, and fails waiting requests when the bus closes', async () => {
    const { client, ready, reports } = pair({ onGetUserProfile: () => new Promise<UserProfile>(() => {}) });
    await ready;
    await expect(client.requestUserProfile({ userId: 'nope' })).rejects.toBeInstanceOf(InvalidPayloadError);
    const waiting = client.requestUserProfile({ userId: GRACE }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    await until(() => reports.health().requests === 1, 'the request to be in flight');
    await reports.close();
    expect(await waiting).toBeInstanceOf(RequestInterruptedError);
  });

  it('a request published without reply_to (a plain publish) is handled like any command', async () => {
    const calls: string[] = [];
    const { ready, reports } = pair({
      onGetUserProfile: async (delivery) => {
        calls.push(delivery.payload.userId);
        return profileOf(delivery.payload.userId);
      },
    });
    await ready;
    await reports.publish(requestUserProfileSend, { userId: GRACE });
    await until(() => calls.length === 1, 'the request to be handled');
  });
});

describe('the default exchange at a consumer', () => {
  it('refuses a delivery that arrived through it (a replier could write any queue that way)', async () => {
    const { decodeIncoming, queueDecoder } = await import('../../../src/runtime/decode.js');
    const decoded = decodeIncoming(
      {
        content: Buffer.from(JSON.stringify({ userId: GRACE })),
        exchange: '',
        routingKey: usersGetUserProfileReceive.queue,
        redelivered: false,
        properties: { messageId: 'm-1', type: 'saas.GetUserProfile', userId: 'saas-reports', contentType: 'application/json' },
      },
      queueDecoder(usersGetUserProfileReceive),
    );
    expect(decoded).toMatchObject({ ok: false, reason: 'forbidden-sender' });
  });
});

describe('a fixed reply queue on the in-memory bus', () => {
  it('the request names the queue as reply_to and the reply arrives through it', async () => {
    const broker = new InMemoryBroker();
    broker.loadTopology(await labTopology());
    const stock = createInMemoryBus({ service: stockService, broker, logger });
    const checkout = createInMemoryBus({ service: checkoutService, broker, logger });
    buses.push(stock, checkout);
    const enqueued: string[] = [];
    broker.on('enqueued', (event: { queue: string }) => enqueued.push(event.queue));
    const replyTos: (string | undefined)[] = [];
    await stock.subscribe(stockCheckStockReceive, async (delivery) => {
      replyTos.push(delivery.envelope.replyTo);
      return { sku: (delivery.payload as CheckStock).sku, available: 7 };
    });
    expect(await checkout.request(checkStockSend, { sku: 'A-1' }, { timeoutMs: 2_000 })).toEqual({ sku: 'A-1', available: 7 });
    expect(replyTos).toEqual([REPLY_QUEUE]);
    expect(enqueued).toEqual(['stock.check.stock', REPLY_QUEUE]);
  });
});
