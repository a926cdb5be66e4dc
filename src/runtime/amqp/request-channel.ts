/**
 * The requester's channel for one reply address. For RabbitMQ direct reply-to it consumes
 * `amq.rabbitmq.reply-to` in no-ack mode, and publishes every request on that same channel (the
 * broker routes a reply to the channel the request came from), so there is no reply queue to
 * declare or clean up. For a fixed reply queue the contract names (declared by the topology) it
 * consumes that queue the same way and puts its name in reply_to; replies are matched by the
 * request they answer, so one meant for another instance of the requester is dropped as foreign.
 * The consumer starts before the first request goes out. When the channel or connection dies, no
 * reply can reach the requests it carried: they fail at once with RequestInterruptedError, and
 * the next request opens a new channel.
 */
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { UnroutableError } from '../errors.js';
import type { RuntimeLogger } from '../logger.js';
import type { IncomingMessage, OutgoingMessage } from '../message.js';
import type { PendingRequests } from '../request/pending-requests.js';
import { asRequest, DIRECT_REPLY_TO } from '../request/reply-wire.js';
import type { AmqpConnection } from './connection.js';

export class AmqpRequestChannel {
  private opening: Promise<Channel> | undefined;
  private closed = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly pending: PendingRequests,
    private readonly logger: RuntimeLogger,
    /** DIRECT_REPLY_TO, or the name of a fixed reply queue. */
    private readonly address: string = DIRECT_REPLY_TO,
  ) {
    connection.on('disconnected', () => this.lost('the broker connection was lost'));
  }

  /** Publishes a request already registered with `pending`. */
  async publish(message: OutgoingMessage): Promise<void> {
    const channel = await (this.opening ??= this.open());
    const request = asRequest(message, this.address);
    channel.publish(request.exchange, request.routingKey, request.content, request.properties);
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    this.pending.interruptAll('the bus closed');
    const channel = await opening?.catch(() => undefined);
    await channel?.close().catch(() => {});
  }

  private async open(): Promise<Channel> {
    try {
      await this.connection.whenConnected();
      const channel = await this.connection.current!.createChannel();
      channel.on('error', (error: Error) => this.logger.warn({ err: { message: error.message } }, 'request channel error'));
      channel.on('close', () => {
        if (this.opening !== undefined && !this.closed) this.lost('the request channel closed');
      });
      channel.on('return', (returned: Message) => {
        const id = returned.properties.messageId as string | undefined;
        if (id === undefined) return;
        const fields = returned.fields as unknown as { exchange: string; routingKey: string; replyCode: number; replyText: string };
        const destination = { exchange: fields.exchange, routingKey: fields.routingKey, messageId: id };
        this.pending.fail(id, 'unroutable', new UnroutableError(destination, fields.replyCode, fields.replyText));
      });
      await channel.consume(this.address, (reply) => reply && this.pending.deliver(incoming(reply)), { noAck: true });
      return channel;
    } catch (error) {
      this.opening = undefined;
      throw error;
    }
  }

  private lost(reason: string): void {
    this.opening = undefined;
    if (this.pending.size > 0) this.logger.warn({ waiting: this.pending.size, reason }, 'requests interrupted: their replies can no longer arrive');
    this.pending.interruptAll(reason);
  }
}

function incoming(message: ConsumeMessage): IncomingMessage {
  return {
    content: message.content,
    properties: message.properties as IncomingMessage['properties'],
    exchange: message.fields.exchange,
    routingKey: message.fields.routingKey,
    redelivered: message.fields.redelivered,
  };
}
