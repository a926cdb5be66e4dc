/**
 * Fixtures for the durable-state tests: a recording EventPublisher that can fail or hold
 * publishes on demand, deliveries built the way the runtime builds them, and the checkout
 * saga's messages (shop.md) shaped like generated descriptors.
 */
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import type {
  Delivery,
  Envelope,
  EventPublisher,
  MessageDescriptor,
  PayloadValidator,
  PublishOptions,
  PublishReceipt,
  SendDescriptor,
} from '../../../src/runtime/contract.js';

const ajv = new Ajv({ allErrors: true, strict: true });

export function validator<T>(schema: object): PayloadValidator<T> {
  return ajv.compile(schema) as unknown as PayloadValidator<T>;
}

export function message<T>(system: string, name: string, schema: object): MessageDescriptor<T> {
  return { name, type: `${system}.${name}`, version: '1.0.0', system, contentType: 'application/json', validate: validator<T>(schema) };
}

export function send<T>(service: string, routingKey: string, descriptor: MessageDescriptor<T>, exchange = `${descriptor.system}.events`): SendDescriptor<T> {
  return {
    operationId: `${service}#publish${descriptor.name}`,
    service,
    vhost: descriptor.system,
    exchange,
    exchangeType: exchange.endsWith('.commands') ? 'direct' : 'topic',
    routingKey,
    message: descriptor,
  };
}

const object = (properties: Record<string, object>, required = Object.keys(properties)) => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});
const text = { type: 'string', minLength: 1 };

export interface NoteAdded {
  noteId: string;
  n: number;
}
export const NoteAddedMessage = message<NoteAdded>('orbita', 'NoteAdded', object({ noteId: text, n: { type: 'integer' } }));
export const publishNoteAdded = send('orbita/notes', 'productivity.note.added', NoteAddedMessage, 'orbita.domain.events');

export interface Published {
  readonly send: SendDescriptor;
  readonly payload: unknown;
  readonly options: PublishOptions | undefined;
  readonly messageId: string;
}

/**
 * An EventPublisher that records what it "confirms". `failNext` makes the next publishes of a
 * message id throw; `hold` keeps publishes waiting (a relay caught mid-publish).
 */
export class RecordingPublisher implements EventPublisher {
  readonly published: Published[] = [];
  readonly attempts: string[] = [];
  private readonly failures = new Map<string, number>();
  private gate: Promise<void> | undefined;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  failNext(messageId: string, times = 1): void {
    this.failures.set(messageId, times);
  }

  /** Holds every publish until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = undefined;
      release();
    };
  }

  async publish<TPayload, THeaders>(send: SendDescriptor<TPayload, THeaders>, payload: TPayload, options?: PublishOptions<THeaders>): Promise<PublishReceipt> {
    const messageId = options?.messageId ?? randomUUID();
    this.attempts.push(messageId);
    if (this.gate) await this.gate;
    const failures = this.failures.get(messageId) ?? 0;
    if (failures > 0) {
      this.failures.set(messageId, failures - 1);
      throw new Error(`broker said no to ${messageId}`);
    }
    if (!send.message.validate(payload)) throw new Error(`invalid payload for ${send.message.type}`);
    this.published.push({ send: send as SendDescriptor, payload, options: options as PublishOptions | undefined, messageId });
    this.waiters = this.waiters.filter((waiter) => {
      if (this.published.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    return { messageId };
  }

  /** Resolves once `count` publishes were confirmed (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.published.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${count} publishes (have ${this.published.length})`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  ofType(type: string): Published[] {
    return this.published.filter((p) => p.send.message.type === type);
  }
}

/** A delivery as the runtime hands it to a handler. */
export function delivery<TName extends string, TPayload>(
  descriptor: MessageDescriptor<TPayload> & { name: TName },
  payload: TPayload,
  envelope: Partial<Envelope> = {},
): Delivery<TName, TPayload> {
  const messageId = envelope.messageId ?? randomUUID();
  return {
    name: descriptor.name,
    payload,
    attempt: 1,
    redelivered: false,
    envelope: {
      messageId,
      type: descriptor.type,
      source: 'test/sender',
      time: new Date().toISOString(),
      dataVersion: descriptor.version,
      routingKey: 'test',
      exchange: 'test',
      headers: {},
      correlationId: messageId,
      ...envelope,
    },
  };
}

export const silentLog = { info() {}, warn() {}, error() {} };
export const handlerContext = () => ({ signal: new AbortController().signal, log: silentLog });

/** Polls until `condition` holds (bounded): for state that has no event to await. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
