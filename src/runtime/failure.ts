/**
 * What happens to a message whose handling failed: the next step of the retry ladder, or the
 * dead-letter queue, and the `x-ep-*` headers that explain it. Pure.
 */
import type { ReceiveDescriptor } from './contract.js';
import type { DeadLetterReason } from './decode.js';
import { EP, headerString } from './envelope.js';
import type { IncomingMessage, OutgoingMessage, WireHeaders, WireProperties } from './message.js';

export type FailurePlan =
  | { readonly kind: 'retry'; readonly exchange: string; readonly routingKey: string; readonly delayMs: number; readonly retry: number }
  | { readonly kind: 'dead-letter'; readonly exchange: string; readonly routingKey: string };

/** `attempt` is the handling that just failed (1 = first). */
export function planFailure(receive: ReceiveDescriptor, attempt: number): FailurePlan {
  const { retry, deadLetter } = receive;
  const next = attempt; // retry n follows failed attempt n
  if (next <= retry.retries && retry.queues[next - 1] !== undefined) {
    return { kind: 'retry', exchange: retry.exchange, routingKey: retry.queues[next - 1]!, delayMs: retry.delaysMs[next - 1] ?? 0, retry: next };
  }
  return { kind: 'dead-letter', exchange: deadLetter.exchange, routingKey: deadLetter.routingKey };
}

const MAX_ERROR_CHARS = 1_000;
const MAX_STACK_LINES = 12;
const MAX_STACK_CHARS = 4_000;

/** The first lines of a stack, without node internals, bounded so headers stay small. */
export function trimStack(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const lines = stack.split('\n').filter((line) => !line.includes('node:internal/'));
  const kept = lines.slice(0, MAX_STACK_LINES).join('\n');
  return kept.length > MAX_STACK_CHARS ? `${kept.slice(0, MAX_STACK_CHARS)}…` : kept;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export interface FailureInfo {
  readonly reason: DeadLetterReason;
  /** The error text (handler errors) or the decoding problem. */
  readonly error: string;
  readonly stack?: string | undefined;
  /** Handler runs so far (0 when the message never reached the handler). */
  readonly attempts: number;
  readonly queue: string;
  readonly now: number;
  /** Where the message was first published (kept across retries). */
  readonly originalExchange: string;
  readonly originalRoutingKey: string;
  /** user_id of the original publisher (the republish goes out under this service's user). */
  readonly originalUserId: string | undefined;
  /**
   * Set when the copy is a dead letter: its identity (`x-ep-dead-letter-id`), unique per
   * dead-lettering, which `dlq` uses to name the letter and as the message id of a replayed
   * letter that had none.
   */
  readonly deadLetterId?: string | undefined;
}

/** The retry ladder's bookkeeping: what failureHeaders keeps from a previous lap. */
const LADDER_HEADERS = [EP.attempts, EP.originalExchange, EP.originalRoutingKey, EP.originalUserId, EP.firstFailureAt, EP.gapSince] as const;

/**
 * The headers of `incoming` that failureHeaders may build on. The ladder's own headers are
 * trusted only on a message that came back through this service's retry ladder or from an
 * operator's replay (`trusted`, see deliveryOrigin); on any other message they are forged and
 * would redirect a later replay or skip the retries, so they are dropped.
 */
export function inheritedHeaders(incoming: IncomingMessage, trusted: boolean): WireHeaders | undefined {
  const headers = incoming.properties.headers;
  if (headers === undefined || trusted || !LADDER_HEADERS.some((name) => name in headers)) return headers;
  const kept: WireHeaders = { ...headers };
  for (const name of LADDER_HEADERS) delete kept[name];
  return kept;
}

/** Headers for a retried or dead-lettered copy: the original's, plus the `x-ep-*` story so far. */
export function failureHeaders(existing: WireHeaders | undefined, info: FailureInfo): WireHeaders {
  const headers: WireHeaders = { ...existing };
  // x-death is the broker's own bookkeeping; carried along it would grow on every lap of the ladder.
  delete headers['x-death'];
  delete headers['x-delivery-count'];
  const now = new Date(info.now).toISOString();
  headers[EP.reason] = info.reason;
  headers[EP.error] = info.error;
  if (info.stack) headers[EP.stack] = info.stack;
  else delete headers[EP.stack];
  headers[EP.attempts] = info.attempts;
  headers[EP.queue] = info.queue;
  headers[EP.originalExchange] = headerString(existing, EP.originalExchange) ?? info.originalExchange;
  headers[EP.originalRoutingKey] = headerString(existing, EP.originalRoutingKey) ?? info.originalRoutingKey;
  const originalUser = headerString(existing, EP.originalUserId) ?? info.originalUserId;
  if (originalUser !== undefined) headers[EP.originalUserId] = originalUser;
  headers[EP.firstFailureAt] = headerString(existing, EP.firstFailureAt) ?? now;
  headers[EP.lastFailureAt] = now;
  if (info.deadLetterId !== undefined) headers[EP.deadLetterId] = info.deadLetterId;
  else delete headers[EP.deadLetterId];
  return headers;
}

/**
 * The copy of `incoming` that goes to the retry exchange or the dead-letter exchange. Same body and
 * envelope; user_id becomes this service's (the broker only accepts the connection's own user), and a
 * per-message TTL is dropped so a dead letter cannot silently expire.
 */
export function republished(
  incoming: IncomingMessage,
  destination: { readonly exchange: string; readonly routingKey: string },
  headers: WireHeaders,
  userId: string | undefined,
): OutgoingMessage {
  const p = incoming.properties;
  const properties: WireProperties = {
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    deliveryMode: 2,
    mandatory: true,
    priority: p.priority,
    correlationId: p.correlationId,
    replyTo: p.replyTo,
    messageId: p.messageId,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
    userId,
    headers,
  };
  return {
    exchange: destination.exchange,
    routingKey: destination.routingKey,
    content: incoming.content,
    properties,
    messageId: p.messageId ?? headerString(p.headers, 'ce-id') ?? '(none)',
    type: p.type ?? headerString(p.headers, 'ce-type') ?? '(unknown)',
  };
}
