/**
 * Operating dead-letter queues (the library behind `eventplane dlq`): look at dead letters
 * without consuming them, replay them into the queue that failed them, move them to another
 * queue, purge old ones.
 *
 * Looking: messages are fetched with basic.get and never acknowledged; closing the channel
 * returns them to the queue. (Each look counts as a delivery in a quorum queue, which is why the
 * topology gives dead-letter queues no delivery limit.)
 *
 * Identity: the consumer gives every dead letter an `x-ep-dead-letter-id` when it dead-letters
 * it; a letter the broker dead-lettered itself (delivery limit, a rejected republish) gets one
 * derived from its bytes, stable while it sits in the queue. `dlq` names letters by it.
 *
 * Replaying: publish a copy through the default exchange to the queue that dead-lettered it, and
 * to no other (a replay to the original exchange would reach every queue bound to the routing
 * key), confirmed and mandatory, under the operator's own user (so consumers recognise a replay by
 * its broker-verified user_id), with a fresh retry ladder; acknowledge the dead letter only after
 * the confirm. The copy keeps the original message id, or takes the dead-letter id when it had
 * none, so the consumer's inbox absorbs a second copy of the same letter (a replay interrupted
 * between confirm and ack, then run again) and never merges two different letters.
 */
import { createHash } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage, type Message, type Options } from 'amqplib';
import { CE, EP, headerNumber, headerString } from './envelope.js';
import type { WireHeaders } from './message.js';
import { usernameOf } from './amqp/connection.js';

export interface DeadLetter {
  /** Position in the queue when it was read (1 = oldest). */
  readonly position: number;
  /** x-ep-dead-letter-id, or one derived from the letter's bytes when the broker dead-lettered it. */
  readonly id: string;
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
  /** When it was dead-lettered (last failure, or the broker's x-death time). */
  readonly deadLetteredAt: Date | undefined;
  readonly replays: number;
  /** The broker user that published it first (x-ep-original-user-id). */
  readonly originalUserId: string | undefined;
  /** The broker user that put it in the dead-letter queue (the failing service, or the broker). */
  readonly deadLetteredBy: string | undefined;
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
  const lastFailureAt = headerString(headers, EP.lastFailureAt);
  const deathTime = death?.time as { value?: number } | number | undefined;
  const deathSeconds = typeof deathTime === 'number' ? deathTime : deathTime?.value;
  const deadLetteredAt = lastFailureAt !== undefined ? new Date(lastFailureAt) : deathSeconds !== undefined ? new Date(deathSeconds * 1000) : undefined;
  return {
    position,
    id: headerString(headers, EP.deadLetterId) ?? derivedId(message),
    messageId: (properties.messageId as string | undefined) ?? headerString(headers, CE.id),
    type: (properties.type as string | undefined) ?? headerString(headers, CE.type),
    reason: headerString(headers, EP.reason) ?? death?.reason,
    error: headerString(headers, EP.error),
    stack: headerString(headers, EP.stack),
    attempts: headerNumber(headers, EP.attempts),
    queue: headerString(headers, EP.queue) ?? death?.queue,
    origin: exchange !== undefined && routingKey !== undefined ? { exchange, routingKey } : undefined,
    firstFailureAt: headerString(headers, EP.firstFailureAt),
    lastFailureAt,
    deadLetteredAt: deadLetteredAt !== undefined && !Number.isNaN(deadLetteredAt.getTime()) ? deadLetteredAt : undefined,
    replays: headerNumber(headers, EP.replayCount) ?? 0,
    originalUserId: headerString(headers, EP.originalUserId) ?? (death ? (properties.userId as string | undefined) : undefined),
    deadLetteredBy: death ? 'the broker (x-death)' : (properties.userId as string | undefined),
    correlationId: (properties.correlationId as string | undefined) ?? headerString(headers, CE.correlationId),
    headers,
    properties,
    content: message.content,
  };
}

/**
 * The identity of a letter without x-ep-dead-letter-id: a digest of its body and properties
 * (without the delivery count the broker bumps on every look), the same on every read.
 */
function derivedId(message: GetMessage | Message): string {
  const { headers, ...properties } = message.properties;
  const { 'x-delivery-count': _count, ...stable } = (headers ?? {}) as WireHeaders;
  const digest = createHash('sha256').update(JSON.stringify([properties, stable])).update(message.content).digest('hex');
  return `dl-${digest.slice(0, 32)}`;
}

/** Whether `key` names the letter: its dead-letter id or its message id. */
export function letterMatches(letter: DeadLetter, key: string): boolean {
  return letter.id === key || letter.messageId === key;
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

/** The letter whose dead-letter id or message id is `key`. */
export async function findDeadLetter(url: string, queue: string, key: string): Promise<DeadLetter | undefined> {
  const page = await withConnection(url, (connection) => readQueue(connection, queue, Number.POSITIVE_INFINITY, (l) => letterMatches(l, key)));
  return page.letters.find((l) => letterMatches(l, key));
}

export interface SelectOptions {
  /** Only the letter with this dead-letter id or message id. */
  readonly id?: string;
  /** At most this many. */
  readonly limit?: number;
  /** Only letters dead-lettered before this time (letters of unknown age are never selected). */
  readonly before?: Date;
}

export interface ReplayOptions extends SelectOptions {
  /** Read and plan only: nothing is published or removed. */
  readonly dryRun?: boolean;
  readonly onProgress?: (event: ReplayEvent) => void;
}

/** Where a letter goes: the queue it failed in, through the default exchange. */
export interface ReplayTarget {
  readonly letter: DeadLetter;
  readonly queue: string;
  /** The message id the copy carries (the letter's own, or its dead-letter id). */
  readonly messageId: string;
}

export type ReplayEvent =
  | { readonly kind: 'replayed' | 'planned'; readonly target: ReplayTarget; readonly done: number; readonly of: number }
  | { readonly kind: 'failed'; readonly letter: DeadLetter; readonly problem: string };

export interface ReplayResult {
  readonly total: number;
  /** What was replayed (or, in a dry run, what would be). */
  readonly replayed: readonly ReplayTarget[];
  readonly failed: ReadonlyArray<{ readonly letter: DeadLetter; readonly problem: string }>;
}

/**
 * Takes the selected letters off `queue` one at a time: `act` publishes (confirmed) and returns a
 * problem or nothing; only then is the letter acknowledged. Letters not selected, and letters
 * whose act failed, are never acknowledged and go back when the channel closes. Reads at most
 * what was there at the start, so a letter that fails again and comes back is not looped on.
 */
async function processLetters(
  connection: ChannelModel,
  queue: string,
  select: SelectOptions,
  act: (letter: DeadLetter, of: number) => Promise<{ problem?: string; ack: boolean }>,
): Promise<number> {
  const reader = await quietChannel(connection);
  try {
    const { messageCount } = await reader.checkQueue(queue);
    const wanted = select.id === undefined ? Math.min(messageCount, select.limit ?? messageCount) : 1;
    let done = 0;
    for (let position = 1; position <= messageCount && done < wanted; position++) {
      const message = await reader.get(queue, { noAck: false });
      if (message === false) break;
      const letter = describeDeadLetter(message, position);
      if (select.id !== undefined && !letterMatches(letter, select.id)) continue;
      if (select.before !== undefined && !(letter.deadLetteredAt !== undefined && letter.deadLetteredAt < select.before)) continue;
      done++;
      const outcome = await act(letter, wanted);
      if (outcome.ack) reader.ack(message);
      if (outcome.problem === 'stop') break;
    }
    return messageCount;
  } finally {
    await reader.close().catch(() => {});
  }
}

export function replayDeadLetters(url: string, queue: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const replayer = usernameOf(url);
  return withConnection(url, async (connection) => {
    const publisher = await confirmedPublisher(connection);
    const replayed: ReplayTarget[] = [];
    const failed: Array<{ letter: DeadLetter; problem: string }> = [];
    try {
      const total = await processLetters(connection, queue, options, async (letter, of) => {
        const target = replayTarget(letter);
        if (typeof target === 'string') {
          failed.push({ letter, problem: target });
          options.onProgress?.({ kind: 'failed', letter, problem: target });
          return { ack: false };
        }
        if (options.dryRun) {
          replayed.push(target);
          options.onProgress?.({ kind: 'planned', target, done: replayed.length, of });
          return { ack: false };
        }
        const problem = await publisher.send('', target.queue, letter.content, replayProperties(letter, target, replayer));
        if (problem !== undefined) {
          failed.push({ letter, problem });
          options.onProgress?.({ kind: 'failed', letter, problem });
          return { ack: false, problem: publisher.broken() ? 'stop' : undefined };
        }
        replayed.push(target);
        options.onProgress?.({ kind: 'replayed', target, done: replayed.length, of });
        return { ack: true };
      });
      return { total, replayed, failed };
    } finally {
      await publisher.close();
    }
  });
}

export interface MoveResult {
  readonly total: number;
  readonly moved: readonly DeadLetter[];
  readonly failed: ReadonlyArray<{ readonly letter: DeadLetter; readonly problem: string }>;
}

/**
 * Moves letters unchanged (body, properties, headers) to another queue through the default
 * exchange, confirmed before each is removed. A letter without x-ep-dead-letter-id gets its
 * derived id written in, so it keeps its name where it lands.
 */
export function moveDeadLetters(url: string, queue: string, to: string, options: SelectOptions = {}): Promise<MoveResult> {
  return withConnection(url, async (connection) => {
    const check = await quietChannel(connection);
    await check.checkQueue(to); // a missing destination is a usage problem, before anything moves
    await check.close().catch(() => {});
    const publisher = await confirmedPublisher(connection);
    const moved: DeadLetter[] = [];
    const failed: Array<{ letter: DeadLetter; problem: string }> = [];
    try {
      const total = await processLetters(connection, queue, options, async (letter) => {
        const properties = { ...letter.properties, headers: { ...letter.headers, [EP.deadLetterId]: letter.id }, mandatory: true };
        const problem = await publisher.send('', to, letter.content, properties);
        if (problem !== undefined) {
          failed.push({ letter, problem });
          return { ack: false, problem: publisher.broken() ? 'stop' : undefined };
        }
        moved.push(letter);
        return { ack: true };
      });
      return { total, moved, failed };
    } finally {
      await publisher.close();
    }
  });
}

export interface PurgeResult {
  readonly total: number;
  readonly purged: readonly DeadLetter[];
}

/** Removes the letters dead-lettered before `before` (letters of unknown age stay). */
export function purgeDeadLetters(url: string, queue: string, before: Date, options: Omit<SelectOptions, 'before'> = {}): Promise<PurgeResult> {
  return withConnection(url, async (connection) => {
    const purged: DeadLetter[] = [];
    const total = await processLetters(connection, queue, { ...options, before }, async (letter) => {
      purged.push(letter);
      return { ack: true };
    });
    return { total, purged };
  });
}

/** The queue a letter is replayed into, or why it cannot be. */
export function replayTarget(letter: DeadLetter): ReplayTarget | string {
  if (letter.queue === undefined) return 'no queue to return it to (neither x-ep-queue nor x-death headers)';
  return { letter, queue: letter.queue, messageId: letter.messageId ?? letter.id };
}

function replayProperties(letter: DeadLetter, target: ReplayTarget, replayer: string | undefined): Options.Publish {
  const headers: WireHeaders = { ...letter.headers };
  for (const name of ['x-death', 'x-delivery-count', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason', EP.reason, EP.error, EP.stack, EP.attempts, EP.queue, EP.firstFailureAt, EP.lastFailureAt]) {
    delete headers[name];
  }
  headers[EP.replayed] = new Date().toISOString();
  headers[EP.replayCount] = letter.replays + 1;
  headers[EP.deadLetterId] = letter.id;
  // A letter the broker dead-lettered still carries its publisher's user_id and route.
  if (letter.originalUserId !== undefined) headers[EP.originalUserId] = letter.originalUserId;
  if (letter.origin !== undefined) {
    headers[EP.originalExchange] ??= letter.origin.exchange;
    headers[EP.originalRoutingKey] ??= letter.origin.routingKey;
  }
  return {
    ...(letter.properties as Options.Publish),
    messageId: target.messageId,
    // The broker only accepts the connection's own user here; consumers recognise an operator's
    // replay by it and judge the original sender in x-ep-original-user-id.
    userId: replayer,
    expiration: undefined,
    deliveryMode: 2,
    mandatory: true,
    headers,
  };
}

interface ConfirmedPublisher {
  /** Publishes and waits for the confirm; returns the problem, if any. */
  send(exchange: string, routingKey: string, content: Buffer, properties: Options.Publish): Promise<string | undefined>;
  /** The channel was closed by the broker (nothing more can be sent). */
  broken(): boolean;
  close(): Promise<void>;
}

async function confirmedPublisher(connection: ChannelModel): Promise<ConfirmedPublisher> {
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  let channelError: Error | undefined;
  channel.on('error', (error: Error) => (channelError = error));
  let returned = false;
  channel.on('return', () => (returned = true));
  return {
    async send(exchange, routingKey, content, properties) {
      returned = false;
      try {
        await new Promise<void>((resolve, reject) => {
          channel.publish(exchange, routingKey, content, properties, (error: Error | null) => (error ? reject(error) : resolve()));
        });
      } catch (error) {
        return channelError ? `the broker refused the publish: ${channelError.message}` : `not confirmed: ${(error as Error).message}`;
      }
      // basic.return arrives before the confirm of the same message: one publish at a time.
      if (returned) return `unroutable: no queue ${routingKey}`;
      return undefined;
    },
    broken: () => channelError !== undefined,
    close: () => channel.close().catch(() => {}),
  };
}
