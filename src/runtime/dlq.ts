/**
 * Operating dead-letter queues (the library behind `eventplane dlq`): look at dead letters
 * without consuming them, and replay them to where they were first published.
 *
 * Looking: messages are fetched with basic.get and never acknowledged; closing the channel
 * returns them to the queue. (Each look counts as a delivery in a quorum queue, which is why the
 * topology gives dead-letter queues no delivery limit.)
 *
 * Replaying: publish a copy to the original exchange and routing key (mandatory, confirmed) with
 * an `x-ep-replayed` header and a fresh retry ladder, and acknowledge the dead letter only after
 * the broker confirmed the copy. Interrupted at any point, a dead letter is either still in the
 * queue or safely republished (or, between the two, both: at-least-once).
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage, type Message } from 'amqplib';
import { CE, EP, headerNumber, headerString } from './envelope.js';
import type { WireHeaders } from './message.js';
import { usernameOf } from './amqp/connection.js';

export interface DeadLetter {
  /** Position in the queue when it was read (1 = oldest). */
  readonly position: number;
  readonly messageId: string | undefined;
  readonly type: string | undefined;
  readonly reason: string | undefined;
  readonly error: string | undefined;
  readonly stack: string | undefined;
  readonly attempts: number | undefined;
  /** The consumer queue it failed in. */
  readonly queue: string | undefined;
  /** Where it was first published, i.e. where a replay sends it. */
  readonly origin: { readonly exchange: string; readonly routingKey: string } | undefined;
  readonly firstFailureAt: string | undefined;
  readonly lastFailureAt: string | undefined;
  readonly replays: number;
  readonly correlationId: string | undefined;
  readonly headers: WireHeaders;
  readonly properties: Message['properties'];
  readonly content: Buffer;
}

export interface DeadLetterPage {
  /** Messages in the queue when it was read. */
  readonly total: number;
  readonly letters: readonly DeadLetter[];
}

interface XDeath {
  readonly reason?: string;
  readonly queue?: string;
  readonly exchange?: string;
  readonly 'routing-keys'?: readonly string[];
  readonly time?: unknown;
}

export function describeDeadLetter(message: GetMessage | Message, position: number): DeadLetter {
  const properties = message.properties;
  const headers = (properties.headers ?? {}) as WireHeaders;
  const death = (headers['x-death'] as XDeath[] | undefined)?.[0];
  const exchange = headerString(headers, EP.originalExchange) ?? death?.exchange;
  const routingKey = headerString(headers, EP.originalRoutingKey) ?? death?.['routing-keys']?.[0];
  return {
    position,
    messageId: (properties.messageId as string | undefined) ?? headerString(headers, CE.id),
    type: (properties.type as string | undefined) ?? headerString(headers, CE.type),
    reason: headerString(headers, EP.reason) ?? death?.reason,
    error: headerString(headers, EP.error),
    stack: headerString(headers, EP.stack),
    attempts: headerNumber(headers, EP.attempts),
    queue: headerString(headers, EP.queue) ?? death?.queue,
    origin: exchange !== undefined && routingKey !== undefined ? { exchange, routingKey } : undefined,
    firstFailureAt: headerString(headers, EP.firstFailureAt),
    lastFailureAt: headerString(headers, EP.lastFailureAt),
    replays: headerNumber(headers, EP.replayCount) ?? 0,
    correlationId: (properties.correlationId as string | undefined) ?? headerString(headers, CE.correlationId),
    headers,
    properties,
    content: message.content,
  };
}

async function withConnection<T>(url: string, work: (connection: ChannelModel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url);
  connection.on('error', () => {});
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => {});
  }
}

async function quietChannel(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  return channel;
}

/**
 * Reads the queue from the front without taking anything off it: up to `limit` dead letters, or
 * scanning the whole queue until `stop` says so.
 */
async function readQueue(connection: ChannelModel, queue: string, limit: number, stop?: (letter: DeadLetter) => boolean): Promise<DeadLetterPage> {
  const channel = await quietChannel(connection);
  try {
    const { messageCount } = await channel.checkQueue(queue);
    const letters: DeadLetter[] = [];
    for (let position = 1; position <= Math.min(messageCount, limit); position++) {
      const message = await channel.get(queue, { noAck: false });
      if (message === false) break;
      const letter = describeDeadLetter(message, position);
      letters.push(letter);
      if (stop?.(letter)) break;
    }
    return { total: messageCount, letters };
  } finally {
    // Unacknowledged: closing the channel puts every message back.
    await channel.close().catch(() => {});
  }
}

export function listDeadLetters(url: string, queue: string, limit = 50): Promise<DeadLetterPage> {
  return withConnection(url, (connection) => readQueue(connection, queue, limit));
}

export async function findDeadLetter(url: string, queue: string, messageId: string): Promise<DeadLetter | undefined> {
  const page = await withConnection(url, (connection) => readQueue(connection, queue, Number.POSITIVE_INFINITY, (l) => l.messageId === messageId));
  return page.letters.find((l) => l.messageId === messageId);
}

export interface ReplayOptions {
  /** Only this message id. */
  readonly messageId?: string;
  /** At most this many. */
  readonly limit?: number;
  readonly onProgress?: (event: ReplayEvent) => void;
}

export type ReplayEvent =
  | { readonly kind: 'replayed'; readonly letter: DeadLetter; readonly done: number; readonly of: number }
  | { readonly kind: 'failed'; readonly letter: DeadLetter; readonly problem: string };

export interface ReplayResult {
  readonly total: number;
  readonly replayed: readonly DeadLetter[];
  readonly failed: ReadonlyArray<{ readonly letter: DeadLetter; readonly problem: string }>;
}

export function replayDeadLetters(url: string, queue: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const replayer = usernameOf(url);
  return withConnection(url, async (connection) => {
    const reader = await quietChannel(connection);
    const publisher = await connection.createConfirmChannel();
    let publisherError: Error | undefined;
    publisher.on('error', (error: Error) => (publisherError = error));
    const returned = new Set<string>();
    publisher.on('return', (message: Message) => returned.add(String(message.properties.messageId)));
    const replayed: DeadLetter[] = [];
    const failed: Array<{ letter: DeadLetter; problem: string }> = [];
    try {
      const { messageCount } = await reader.checkQueue(queue);
      const wanted = options.messageId === undefined ? Math.min(messageCount, options.limit ?? messageCount) : 1;
      // Read at most what was there at the start: a replay that fails again must not loop.
      for (let position = 1; position <= messageCount && replayed.length + failed.length < wanted; position++) {
        const message = await reader.get(queue, { noAck: false });
        if (message === false) break;
        const letter = describeDeadLetter(message, position);
        if (options.messageId !== undefined && letter.messageId !== options.messageId) continue; // left unacked: returned on close
        const problem = await replayOne(publisher, letter, replayer, returned, () => publisherError);
        if (problem === undefined) {
          reader.ack(message);
          replayed.push(letter);
          options.onProgress?.({ kind: 'replayed', letter, done: replayed.length, of: wanted });
        } else {
          failed.push({ letter, problem });
          options.onProgress?.({ kind: 'failed', letter, problem });
          if (publisherError) break;
        }
      }
      return { total: messageCount, replayed, failed };
    } finally {
      await reader.close().catch(() => {});
      await publisher.close().catch(() => {});
    }
  });
}

/** Publishes the copy and waits for the confirm; returns the problem, if any. */
async function replayOne(
  publisher: ConfirmChannel,
  letter: DeadLetter,
  replayer: string | undefined,
  returned: Set<string>,
  channelError: () => Error | undefined,
): Promise<string | undefined> {
  if (!letter.origin) return 'no original exchange and routing key (neither x-ep-original-* nor x-death headers)';
  const headers: WireHeaders = { ...letter.headers };
  for (const name of ['x-death', 'x-delivery-count', EP.reason, EP.error, EP.stack, EP.attempts, EP.queue, EP.firstFailureAt, EP.lastFailureAt]) delete headers[name];
  headers[EP.replayed] = new Date().toISOString();
  headers[EP.replayCount] = letter.replays + 1;
  const userId = letter.properties.userId as string | undefined;
  if (userId !== undefined && headers[EP.originalUserId] === undefined) headers[EP.originalUserId] = userId;
  const { exchange, routingKey } = letter.origin;
  const marker = letter.messageId ?? `replay-${letter.position}`;
  try {
    await new Promise<void>((resolve, reject) => {
      publisher.publish(
        exchange,
        routingKey,
        letter.content,
        {
          ...letter.properties,
          messageId: letter.properties.messageId ?? marker,
          // The broker only accepts the connection's own user here; the original is in the header.
          // A consumer that checks senders accepts a replay by a user that is no service's.
          userId: replayer,
          expiration: undefined,
          deliveryMode: 2,
          mandatory: true,
          headers,
        },
        (error: Error | null) => (error ? reject(error) : resolve()),
      );
    });
  } catch (error) {
    const cause = channelError();
    return cause ? `the broker refused the publish: ${cause.message}` : `not confirmed: ${(error as Error).message}`;
  }
  if (returned.delete(marker)) return `unroutable: nothing is bound to ${exchange} with routing key ${routingKey}`;
  return undefined;
}
