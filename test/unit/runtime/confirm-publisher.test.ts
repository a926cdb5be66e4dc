/**
 * The publisher's window, backpressure and failure mapping against a scripted channel, for what a
 * shared test broker cannot be made to do on demand (resource alarms, confirm timeouts).
 */
import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AmqpConnection } from '../../../src/runtime/amqp/connection.js';
import { ConfirmPublisher } from '../../../src/runtime/amqp/confirm-publisher.js';
import { BrokerBlockedError, PublishTimeoutError, QueueFullError, UnroutableError, AccessRefusedError } from '../../../src/runtime/errors.js';
import type { OutgoingMessage } from '../../../src/runtime/message.js';
import { RuntimeMetrics } from '../../../src/runtime/metrics.js';

type Callback = (error: Error | null) => void;

class FakeChannel extends EventEmitter {
  readonly sent: Array<{ messageId: string; callback: Callback }> = [];
  publish(_exchange: string, _key: string, _content: Buffer, properties: { messageId: string }, callback: Callback): boolean {
    this.sent.push({ messageId: properties.messageId, callback });
    return true;
  }
  confirm(index: number, error: Error | null = null): void {
    this.sent[index]!.callback(error);
  }
  /** The broker closes the channel: every unconfirmed callback gets `channel closed`. */
  brokerClose(error?: Error & { code?: number }, unconfirmed = this.sent): void {
    if (error) this.emit('error', error);
    for (const entry of unconfirmed) entry.callback(new Error('channel closed'));
    this.emit('close');
  }
  async close(): Promise<void> {}
}

class FakeModel {
  readonly channels: FakeChannel[] = [];
  async createConfirmChannel(): Promise<FakeChannel> {
    const channel = new FakeChannel();
    this.channels.push(channel);
    return channel;
  }
}

function setup(windowSize = 2, timeoutMs = 10_000) {
  const model = new FakeModel();
  const connection = Object.assign(new EventEmitter(), { current: model, blocked: false, blockedReason: undefined, blockedSince: undefined }) as unknown as AmqpConnection &
    EventEmitter & { blocked: boolean; blockedReason: string | undefined; blockedSince: number | undefined; current: FakeModel };
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  const publisher = new ConfirmPublisher(connection, { windowSize, timeoutMs }, new RuntimeMetrics(new Registry()), logger);
  return { model, connection, publisher };
}

let ids = 0;
const message = (): OutgoingMessage => {
  const messageId = `m${++ids}`;
  return { exchange: 'shop.events', routingKey: 'shop.order.created', content: Buffer.from('{}'), messageId, type: 'shop.OrderCreated', properties: { messageId } };
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConfirmPublisher', () => {
  it('keeps at most `windowSize` messages unconfirmed; the rest wait', async () => {
    const { model, publisher } = setup(2);
    await tick();
    const outcomes = [publisher.send(message()), publisher.send(message()), publisher.send(message())];
    const channel = model.channels[0]!;
    expect(channel.sent).toHaveLength(2);
    channel.confirm(0);
    expect(channel.sent).toHaveLength(3);
    channel.confirm(1);
    channel.confirm(2);
    await Promise.all(outcomes);
    expect(publisher.pending).toBe(0);
  });

  it('holds publishes while the broker blocks the connection (resource alarm)', async () => {
    const { model, connection, publisher } = setup(10);
    await tick();
    connection.blocked = true;
    const outcome = publisher.send(message());
    expect(model.channels[0]!.sent).toHaveLength(0);
    connection.blocked = false;
    connection.emit('unblocked');
    expect(model.channels[0]!.sent).toHaveLength(1);
    model.channels[0]!.confirm(0);
    await outcome;
  });

  it('fails a publish whose timeout passes while the broker blocks with BrokerBlockedError, telling whether it was sent', async () => {
    const { model, connection, publisher } = setup(10, 60);
    await tick();
    const onWire = publisher.send(message());
    expect(model.channels[0]!.sent).toHaveLength(1);
    Object.assign(connection, { blocked: true, blockedReason: 'low on memory', blockedSince: Date.now() });
    const held = publisher.send(message());
    expect(model.channels[0]!.sent).toHaveLength(1);
    const [sent, unsent] = await Promise.all([onWire.catch((e: Error) => e), held.catch((e: Error) => e)]);
    for (const error of [sent, unsent]) {
      expect(error).toBeInstanceOf(BrokerBlockedError);
      // Still a timeout for whoever retries timeouts (the outbox relay).
      expect(error).toBeInstanceOf(PublishTimeoutError);
      expect((error as BrokerBlockedError).reason).toBe('low on memory');
    }
    expect((sent as BrokerBlockedError).sent).toBe(true);
    expect((unsent as BrokerBlockedError).sent).toBe(false);
    expect((unsent as Error).message).toMatch(/was not sent within 60 ms: the broker blocks publishers \(low on memory/);
    // The publish that never left is not on the wire after the alarm clears either.
    Object.assign(connection, { blocked: false, blockedReason: undefined, blockedSince: undefined });
    connection.emit('unblocked');
    expect(model.channels[0]!.sent).toHaveLength(1);
  });

  it('maps a return before the ack to UnroutableError and a nack to QueueFullError', async () => {
    const { model, publisher } = setup();
    await tick();
    const unroutable = publisher.send(message());
    const full = publisher.send(message());
    const channel = model.channels[0]!;
    channel.emit('return', { properties: { messageId: channel.sent[0]!.messageId }, fields: { replyCode: 312, replyText: 'NO_ROUTE' } });
    channel.confirm(0);
    channel.confirm(1, new Error('message nacked'));
    await expect(unroutable).rejects.toBeInstanceOf(UnroutableError);
    await expect(full).rejects.toBeInstanceOf(QueueFullError);
  });

  it('publishes unconfirmed messages again on the next channel, in order', async () => {
    const { model, connection, publisher } = setup(10);
    await tick();
    const outcomes = [publisher.send(message()), publisher.send(message())];
    const first = model.channels[0]!;
    const sentIds = first.sent.map((s) => s.messageId);
    connection.current = new FakeModel() as never;
    first.brokerClose();
    const next = connection.current as unknown as FakeModel;
    connection.emit('connected', next);
    await tick();
    expect(next.channels[0]!.sent.map((s) => s.messageId)).toEqual(sentIds);
    next.channels[0]!.confirm(0);
    next.channels[0]!.confirm(1);
    await Promise.all(outcomes);
  });

  it('fails only the publish the broker refused for lack of permission; the others go out again', async () => {
    const { model, publisher } = setup(10);
    await tick();
    const allowed = publisher.send(message());
    const refused = publisher.send({ ...message(), routingKey: 'shop.secret.leaked' });
    const channel = model.channels[0]!;
    const error = Object.assign(new Error("Channel closed by server: 403 (ACCESS-REFUSED) with message \"ACCESS_REFUSED - access to topic 'shop.secret.leaked' in exchange 'shop.events' in vhost 'shop' refused for user 'shop-order'\""), { code: 403 });
    channel.brokerClose(error);
    await expect(refused).rejects.toBeInstanceOf(AccessRefusedError);
    await tick(); // the publisher opens a new channel on the same connection
    const again = model.channels[1]!;
    expect(again.sent).toHaveLength(1);
    again.confirm(0);
    await allowed;
  });

  it('times a publish out when no confirm arrives', async () => {
    const { publisher } = setup(10, 40);
    await tick();
    await expect(publisher.send(message())).rejects.toBeInstanceOf(PublishTimeoutError);
  });
});
