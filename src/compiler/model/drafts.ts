/**
 * What the reader extracts from the documents before the model is assembled: the model's
 * content plus where each piece came from, so cross-document rules can point at the exact
 * key or value at fault.
 */
import type { Position } from '../diagnostics.js';
import type { Located } from '../load/sources.js';
import type { SourceFile } from '../load/source.js';
import type { ChannelParameterModel, DeadLetterPolicy, ExchangeKind, JsonSchema, MessageExample, QueuePolicy, RetryPolicy } from '../model.js';

export interface ServiceDraft {
  readonly id: string;
  readonly system: string;
  readonly name: string;
  readonly source: SourceFile;
  readonly location: Position;
  readonly description?: string;
  readonly owner?: string;
  readonly version: string;
  readonly tags: readonly string[];
  /** Keys of `channels`: a channel this service owns, or a reference to another service's. */
  readonly channels: Map<string, ChannelEntry>;
  readonly operations: OperationDraft[];
}

export type ChannelEntry =
  | { readonly kind: 'own'; readonly channel: ChannelDraft }
  | { readonly kind: 'alias'; readonly file: string; readonly key: string; readonly at: Position };

export interface ExchangeDraft {
  readonly name: string;
  readonly type: ExchangeKind;
  readonly durable: boolean;
  readonly autoDelete: boolean;
}

export interface ChannelDraft {
  readonly id: string;
  readonly key: string;
  readonly system: string;
  readonly owner: ServiceDraft;
  /** The channel definition (the key's value, or what it references). */
  readonly node: Located;
  /** The routing key as the broker sees it (`{name}` marks a parameter, see parameters). */
  readonly address?: string;
  readonly exchange?: ExchangeDraft;
  /** Address parameters, in the order they appear: routing-key parts a publisher fills in. */
  readonly parameters: readonly ChannelParameterModel[];
  /** `is: queue` channels: the queue it names (published to through the default exchange). */
  readonly queue?: string;
  /** Protocols of the bindings when none is amqp: the channel gets types and validators only. */
  readonly otherProtocols?: readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly location: Position;
  readonly addressAt: Position;
  readonly bindingAt: Position;
  readonly messages: string[];
  /** `address: null`: a reply channel over direct reply-to (no address, no binding). */
  readonly directReplyTo?: true;
}

export interface ExampleDraft {
  readonly example: MessageExample;
  readonly hasPayload: boolean;
  /** The example object: `payload`/`headers` errors are located inside it. */
  readonly node: Located;
}

export interface MessageDraft {
  readonly id: string;
  readonly system: string;
  readonly name: string;
  readonly node: Located;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly version: string;
  readonly contentType: string;
  readonly channel: string;
  readonly owner: string;
  readonly payload?: JsonSchema;
  readonly headers?: JsonSchema;
  readonly examples: readonly ExampleDraft[];
  readonly tags: readonly string[];
  readonly location: Position;
  readonly nameAt: Position;
  readonly versionAt: Position;
  /** Node keys of the traits named `Envelope` it applies. */
  readonly envelopeTraits: readonly string[];
}

export interface OperationDraft {
  readonly id: string;
  readonly key: string;
  readonly service: ServiceDraft;
  readonly action: 'send' | 'receive';
  readonly channel?: string;
  readonly messages: readonly string[];
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly location: Position;
  readonly queue?: QueuePolicy;
  readonly retry?: RetryPolicy;
  readonly deadLetter?: DeadLetterPolicy;
  /** `x-bind`: the parameter values this consumer asks for (absent: every value). */
  readonly bind?: Readonly<Record<string, readonly string[]>>;
  /** Where `x-queue` (or the operation, without one) is: queue conflicts point here. */
  readonly queueAt: Position;
  readonly reply?: ReplyDraft;
}

/** `operation.reply` as written; rules/replies.ts checks both ends agree. */
export interface ReplyDraft {
  readonly channel?: ChannelDraft;
  readonly messages: readonly string[];
  readonly location: Position;
}

/** Everything read from the documents, before assembly into the model. */
export interface Drafts {
  readonly services: readonly ServiceDraft[];
  readonly channels: readonly ChannelDraft[];
  readonly messages: readonly MessageDraft[];
}
