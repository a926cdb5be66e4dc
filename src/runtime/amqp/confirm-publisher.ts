/**
 * Publishing with publisher confirms over one confirm channel, with a sliding window: at most
 * `windowSize` messages are unconfirmed at a time and further publishes wait (backpressure), as do
 * publishes while the broker blocks the connection (memory or disk alarm).
 *
 * Every publish resolves only when the broker has taken responsibility for the message (ack), or
 * rejects with a typed error: UnroutableError (mandatory + basic.return), QueueFullError (nack,
 * i.e. reject-publish), PublishTimeoutError, BrokerBlockedError (the timeout passed while the broker
 * blocked publishers), AccessRefusedError, MissingTopologyError. Messages
 * unconfirmed when the channel or connection drops are published again on the next channel
 * (at-least-once; consumers de-duplicate by message id).
 */
import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import {
  AccessRefusedError,
  BrokerBlockedError,
  BusClosedError,
  EventplaneError,
  MissingTopologyError,
  PublishTimeoutError,
  QueueFullError,
  UnroutableError,
} from '../errors.js';
import type { RuntimeLogger } from '../logger.js';
import type { OutgoingMessage } from '../message.js';
import type { PublishMetrics, RuntimeMetrics } from '../metrics.js';
import type { AmqpConnection } from './connection.js';

export interface ConfirmPublisherOptions {
  /** Unconfirmed messages allowed at once (default 1000). */
  readonly windowSize: number;
  /** Default per-publish confirm timeout (default 30 s). */
  readonly timeoutMs: number;
  /** A message is sent on at most this many channels before it fails (default 5). */
  readonly maxSends?: number;
}

interface Entry {
  readonly message: OutgoingMessage;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly metrics: PublishMetrics;
  resolve(): void;
  reject(error: Error): void;
  settled: boolean;
  sends: number;
  returned: { code: number; text: string } | undefined;
}

interface ChannelState {
  readonly channel: ConfirmChannel;
  readonly model: ChannelModel;
  open: boolean;
  /** The error the broker closed the channel with, to blame the right publish. */
  closeError: (Error & { code?: number }) | undefined;
}

export class ConfirmPublisher {
  private current: ChannelState | undefined;
  private inflight = 0;
  private readonly onWire = new Set<Entry>();
  /** Sent on a channel that died unconfirmed: they go out again first, in their original order. */
  private resend: Entry[] = [];
  private queue: Entry[] = [];
  private queueHead = 0;
  private closing = false;
  private sweeper: NodeJS.Timeout | undefined;
  private opening = false;
  private idleWaiters: Array<() => void> = [];
  private lastNackRenewal = 0;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: ConfirmPublisherOptions,
    private readonly metrics: RuntimeMetrics,
    private readonly logger: RuntimeLogger,
  ) {
    connection.on('connected', () => void this.open());
    connection.on('unblocked', () => this.pump());
    void this.open();
  }

  /** Unconfirmed plus waiting publishes. */
  get pending(): number {
    return this.inflight + this.resend.length + this.queue.length - this.queueHead;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  send(message: OutgoingMessage, timeoutMs = this.options.timeoutMs): Promise<void> {
    if (this.closing) return Promise.reject(new BusClosedError('the bus is closing: publish refused'));
    return new Promise<void>((resolve, reject) => {
      const entry: Entry = {
        message,
        deadline: Date.now() + timeoutMs,
        timeoutMs,
        metrics: this.metrics.forPublish(message.type),
        resolve,
        reject,
        settled: false,
        sends: 0,
        returned: undefined,
      };
      if (this.canSend() && this.queueHead === this.queue.length && this.resend.length === 0) this.transmit(entry);
      else this.queue.push(entry);
      this.ensureSweeper();
    });
  }

  /** Waits (bounded) until every publish is confirmed or failed, then closes the channel. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    if (this.pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    this.failAll(new BusClosedError('the bus closed before the broker confirmed this publish'));
    clearInterval(this.sweeper);
    const state = this.current;
    this.current = undefined;
    if (state) await state.channel.close().catch(() => {});
  }

  private canSend(): boolean {
    return this.current !== undefined && !this.connection.blocked && this.inflight < this.options.windowSize;
  }

  /** Opens the confirm channel on the live connection (no-op while one is open or opening). */
  private async open(): Promise<void> {
    const model = this.connection.current;
    if (this.opening || this.closing || this.current || !model) return;
    this.opening = true;
    try {
      const channel = await model.createConfirmChannel();
      const state: ChannelState = { channel, model, open: true, closeError: undefined };
      channel.on('error', (error: Error & { code?: number }) => {
        state.closeError = error;
        this.detach(state);
        this.logger.warn({ err: { message: error.message, code: error.code } }, 'publisher channel closed by the broker');
      });
      channel.on('return', (message: Message) => this.returned(message));
      channel.on('close', () => this.detach(state));
      this.current = state;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not open the publisher channel; retrying');
      if (this.connection.current === model && !this.closing) setTimeout(() => void this.open(), 1_000).unref();
    } finally {
      this.opening = false;
    }
    // The connection may have been replaced while the channel opened.
    if (this.current && this.current.model !== this.connection.current) this.detach(this.current);
    else if (!this.current && this.connection.current && this.connection.current !== model) void this.open();
    this.pump();
  }

  private transmit(entry: Entry): void {
    const state = this.current!;
    const { message } = entry;
    entry.sends++;
    this.inflight++;
    this.onWire.add(entry);
    try {
      // publish() answers false once amqplib's socket buffer passes 16 KiB, about ten messages:
      // pausing there starves the broker. The confirm window already bounds what is in flight.
      state.channel.publish(message.exchange, message.routingKey, message.content, message.properties, (error: Error | null) =>
        this.confirmed(entry, state, error),
      );
    } catch (error) {
      // Closed underneath us (the callback will never come) or a message amqplib cannot encode.
      this.inflight--;
      this.onWire.delete(entry);
      if (error instanceof RangeError) this.settle(entry, error);
      else {
        entry.sends--;
        this.resend.push(entry);
        this.detach(state);
      }
      return;
    }
    entry.metrics.published.inc();
  }

  private confirmed(entry: Entry, state: ChannelState, error: Error | null): void {
    this.inflight--;
    this.onWire.delete(entry);
    const { message } = entry;
    const destination = { exchange: message.exchange, routingKey: message.routingKey, messageId: message.messageId };
    if (error === null) {
      if (entry.returned) {
        entry.metrics.returned.inc();
        this.settle(entry, new UnroutableError(destination, entry.returned.code, entry.returned.text));
      } else {
        entry.metrics.confirmed.inc();
        this.settle(entry, undefined);
      }
    } else if (error.message === 'message nacked') {
      entry.metrics.rejected.inc();
      this.settle(entry, new QueueFullError(destination));
      this.renewAfterNack(state);
    } else {
      this.detach(state);
      const blamed = blame(state.closeError, message);
      if (blamed === 'access') this.settle(entry, new AccessRefusedError(destination, state.closeError!.message));
      else if (blamed === 'missing') {
        this.settle(entry, new MissingTopologyError(vhostOf(state.closeError!.message), [{ kind: 'exchange', name: message.exchange, usedFor: `publish ${message.type}` }]));
      } else if (this.closing || entry.sends >= (this.options.maxSends ?? 5)) {
        this.settle(entry, new EventplaneError(`message ${message.messageId} was sent ${entry.sends} times without a confirm: ${error.message}`));
      } else if (!entry.settled) {
        entry.returned = undefined;
        this.resend.push(entry);
      }
    }
    this.pump();
  }

  /**
   * The channel is gone. After a channel error on a live connection a new channel is opened here;
   * after a connection loss the connection's `connected` event brings one.
   */
  private detach(state: ChannelState): void {
    if (!state.open) return;
    state.open = false;
    if (this.current === state) this.current = undefined;
    if (this.connection.current && !this.closing) setImmediate(() => void this.open());
  }

  /**
   * A nack says the broker did not take the message: a queue is full (reject-publish) or
   * unavailable. RabbitMQ 3.10 can leave a channel nacking every later publish to a quorum queue
   * whose leader's node was killed, even after the queue elected a new leader and a fresh channel
   * is accepted (found by the chaos suite: the outbox relay retried on the same channel forever).
   * So after a nack, publishing moves to a new channel; at most once a second, so a queue that is
   * really full costs no channel churn. Publishes unconfirmed on the old channel are sent again.
   */
  private renewAfterNack(state: ChannelState): void {
    const now = Date.now();
    if (this.current !== state || now - this.lastNackRenewal < 1_000) return;
    this.lastNackRenewal = now;
    this.detach(state);
    void state.channel.close().catch(() => {});
  }

  private returned(message: Message): void {
    const id = message.properties.messageId as string | undefined;
    for (const entry of this.onWire) {
      if (entry.returned === undefined && entry.message.messageId === id) {
        const fields = message.fields as unknown as { replyCode: number; replyText: string };
        entry.returned = { code: fields.replyCode, text: fields.replyText };
        return;
      }
    }
  }

  private settle(entry: Entry, error: Error | undefined): void {
    if (entry.settled) return;
    entry.settled = true;
    if (error) entry.reject(error);
    else entry.resolve();
  }

  private pump(): void {
    while (this.canSend()) {
      let entry: Entry | undefined;
      if (this.resend.length > 0) entry = this.resend.shift();
      else if (this.queueHead < this.queue.length) {
        entry = this.queue[this.queueHead++];
        if (this.queueHead === this.queue.length) {
          this.queue = [];
          this.queueHead = 0;
        }
      } else break;
      if (entry === undefined || entry.settled) continue;
      this.transmit(entry);
    }
    if (this.pending === 0 && this.idleWaiters.length > 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Per-publish timeouts: one coarse timer instead of one timer per message. */
  private ensureSweeper(): void {
    if (this.sweeper !== undefined) return;
    const every = Math.max(10, Math.min(250, Math.floor(this.options.timeoutMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = Date.now();
    const expire = (entry: Entry) => {
      if (!entry.settled && entry.deadline <= now) {
        const { message } = entry;
        const destination = { exchange: message.exchange, routingKey: message.routingKey, messageId: message.messageId };
        const { blocked, blockedReason, blockedSince } = this.connection;
        this.settle(
          entry,
          blocked
            ? new BrokerBlockedError(destination, entry.timeoutMs, blockedReason ?? 'resource alarm', now - (blockedSince ?? now), entry.sends > 0)
            : new PublishTimeoutError(destination, entry.timeoutMs),
        );
      }
    };
    for (const entry of this.onWire) expire(entry);
    for (const entry of this.resend) expire(entry);
    for (let i = this.queueHead; i < this.queue.length; i++) expire(this.queue[i]!);
    this.resend = this.resend.filter((entry) => !entry.settled);
    if (this.pending === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private failAll(error: Error): void {
    for (const entry of this.onWire) this.settle(entry, error);
    for (const entry of this.resend) this.settle(entry, error);
    for (let i = this.queueHead; i < this.queue.length; i++) this.settle(this.queue[i]!, error);
    this.resend = [];
    this.queue = [];
    this.queueHead = 0;
  }
}

/** Whether a channel-closing broker error was caused by publishing `message`. */
function blame(error: (Error & { code?: number }) | undefined, message: OutgoingMessage): 'access' | 'missing' | undefined {
  if (!error) return undefined;
  const text = error.message;
  if (error.code === 403 && text.includes(`'${message.exchange}'`) && (!text.includes("topic '") || text.includes(`'${message.routingKey}'`))) {
    return 'access';
  }
  if (error.code === 404 && text.includes(`exchange '${message.exchange}'`)) return 'missing';
  return undefined;
}

function vhostOf(text: string): string {
  return /in vhost '([^']*)'/.exec(text)?.[1] ?? '?';
}
