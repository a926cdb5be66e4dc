/**
 * One consumer queue on its own channel (so prefetch is per queue and a channel error stays local).
 * The channel and the consumer are re-created after a reconnect, after a channel error, and when the
 * broker cancels the consumer (queue deleted, leader moved); the delivery pipeline and its inbox
 * survive all three, so a redelivered message that was already handled is acknowledged, not re-run.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { backoffDelay, RECONNECT_BACKOFF } from '../backoff.js';
import type { Subscription } from '../contract.js';
import { ConsumerPipeline, type PipelineDependencies, type Settlement } from '../consumer-pipeline.js';
import { MissingTopologyError } from '../errors.js';
import type { RuntimeLogger } from '../logger.js';
import type { IncomingMessage } from '../message.js';
import type { AmqpConnection } from './connection.js';
import { AckBatcher } from './ack-batcher.js';
import { findMissing, objectsOfReceive } from './topology-check.js';

interface ChannelState {
  readonly channel: Channel;
  readonly acks: AckBatcher;
  open: boolean;
  consumerTag: string | undefined;
}

interface Token {
  readonly state: ChannelState;
  readonly message: ConsumeMessage;
}

export type ConsumerState = 'starting' | 'consuming' | 'recovering' | 'stopped';

export class AmqpQueueConsumer implements Subscription {
  readonly queue: string;
  state: ConsumerState = 'starting';
  private readonly pipeline: ConsumerPipeline<Token>;
  private current: ChannelState | undefined;
  private attaching: Promise<void> | undefined;
  private recoverAttempt = 0;
  private recoverTimer: NodeJS.Timeout | undefined;
  private readonly onConnected = (model: ChannelModel) => this.recover(model, 0);

  constructor(
    private readonly connection: AmqpConnection,
    deps: Omit<PipelineDependencies<Token>, 'settle'>,
    private readonly graceMs: number,
    private readonly logger: RuntimeLogger,
  ) {
    this.queue = deps.receive.queue;
    this.pipeline = new ConsumerPipeline<Token>({ ...deps, settle: settleDelivery });
    this.objects = objectsOfReceive(deps.receive);
    this.vhost = deps.receive.vhost;
    this.prefetch = Math.max(1, deps.receive.prefetch);
  }

  private readonly objects: ReturnType<typeof objectsOfReceive>;
  private readonly vhost: string;
  private readonly prefetch: number;

  get inFlight(): number {
    return this.pipeline.inFlight;
  }

  /** Checks the queue's objects, then starts consuming. Rejects with MissingTopologyError. */
  async start(): Promise<void> {
    await this.connection.whenConnected();
    const model = this.connection.current!;
    const missing = await findMissing(model, this.objects);
    if (missing.length > 0) throw new MissingTopologyError(this.vhost, missing);
    this.connection.on('connected', this.onConnected);
    await this.attach(model);
  }

  async cancel(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.connection.off('connected', this.onConnected);
    clearTimeout(this.recoverTimer);
    const state = this.current;
    // Stop new deliveries first; what the broker already sent is finished (or handed back).
    if (state?.open && state.consumerTag !== undefined) await state.channel.cancel(state.consumerTag).catch(() => {});
    await this.pipeline.stop(this.graceMs);
    state?.acks.flush();
    this.current = undefined;
    if (state?.open) await state.channel.close().catch(() => {});
  }

  private attach(model: ChannelModel): Promise<void> {
    this.attaching ??= this.openAndConsume(model).finally(() => (this.attaching = undefined));
    return this.attaching;
  }

  private async openAndConsume(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    const state: ChannelState = { channel, acks: new AckBatcher(channel), open: true, consumerTag: undefined };
    channel.on('error', (error: Error) => {
      this.logger.warn({ queue: this.queue, err: { message: error.message } }, 'consumer channel closed by the broker');
    });
    channel.on('close', () => {
      state.open = false;
      if (this.current !== state || this.state === 'stopped') return;
      this.current = undefined;
      this.state = 'recovering';
      // On a connection loss the connection's `connected` event brings the consumer back;
      // a channel error on a live connection needs a new channel here.
      if (this.connection.current === model) this.recover(model, 1);
    });
    await channel.prefetch(this.prefetch);
    const { consumerTag } = await channel.consume(this.queue, (message) => this.delivered(state, model, message), { noAck: false });
    state.consumerTag = consumerTag;
    this.current = state;
    this.state = 'consuming';
    this.recoverAttempt = 0;
    this.logger.info({ queue: this.queue }, 'consuming');
  }

  private delivered(state: ChannelState, model: ChannelModel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer: the queue was deleted or its leader moved.
      this.logger.warn({ queue: this.queue }, 'consumer cancelled by the broker: re-subscribing');
      if (this.current === state) this.current = undefined;
      if (state.open) void state.channel.close().catch(() => {});
      if (this.state !== 'stopped') {
        this.state = 'recovering';
        this.recover(model, 1);
      }
      return;
    }
    state.acks.delivered(message.fields.deliveryTag);
    const incoming: IncomingMessage = {
      content: message.content,
      properties: message.properties as IncomingMessage['properties'],
      exchange: message.fields.exchange,
      routingKey: message.fields.routingKey,
      redelivered: message.fields.redelivered,
    };
    this.pipeline.accept(incoming, { state, message });
  }

  /** Re-attaches with backoff while the connection `model` lives and the queue is not back yet. */
  private recover(model: ChannelModel, attempt: number): void {
    if (this.state === 'stopped') return;
    clearTimeout(this.recoverTimer);
    const delay = attempt === 0 ? 0 : backoffDelay(++this.recoverAttempt, RECONNECT_BACKOFF);
    this.recoverTimer = setTimeout(() => {
      if (this.state === 'stopped' || this.connection.current !== model || this.current?.open) return;
      this.attach(model).catch((error: Error) => {
        this.logger.warn({ queue: this.queue, err: { message: error.message } }, 'could not resume consuming; retrying');
        if (this.connection.current === model) this.recover(model, 1);
      });
    }, delay);
  }
}

function settleDelivery(token: Token, settlement: Settlement): void {
  const { state, message } = token;
  // Settling on a channel that is gone is impossible and unnecessary: the broker redelivers.
  if (!state.open) return;
  if (settlement === 'ack') state.acks.ack(message.fields.deliveryTag);
  else state.acks.nack(message.fields.deliveryTag, settlement === 'requeue');
}
