/**
 * Per-aggregate order at the consumer. The outbox relay publishes an aggregate's events without
 * waiting for each confirm, so a nack, a lost connection or a relay crash can put event n+1 in
 * the queue before event n. Each event therefore carries its place in its aggregate's sequence
 * (headers `x-ep-aggregate`, `x-ep-sequence`, `x-ep-sequence-after`) and the consumer's inbox
 * remembers, per stream (producer, aggregate type, aggregate id), the last seq it applied:
 *
 * - the event's predecessor *for this consumer* is the latest earlier event of a type this
 *   consumer receives (`after`, read from the per-type map: a consumer bound to some of the
 *   aggregate's events must not wait for the others);
 * - seq ≤ last: already applied (a redelivery, dropped as a duplicate) or overtaken by a skip
 *   (dead-lettered `out-of-order`: never applied late, never lost);
 * - predecessor ≤ last: apply;
 * - otherwise the event is ahead of a gap: it waits (the consumer sends it round its first retry
 *   step, not counting as an attempt) for at most the inbox's gap wait, then is applied over the
 *   gap, so an event that never comes (dead-lettered here, or never bound) cannot stall the
 *   aggregate forever. A stream the inbox does not know starts at 0: its first event waits for a
 *   predecessor it may never see (a consumer added later) no longer than the gap wait.
 *
 * Pure: the inboxes keep the state, the consumer pipeline moves the messages.
 */
import type { Envelope } from './contract.js';
import { EP, headerNumber, headerString } from './envelope.js';
import { EventplaneError } from './errors.js';

/** Default bound on how long an event waits for a missing predecessor: above the relay's lease (60 s) and first retries. */
export const DEFAULT_GAP_WAIT_MS = 5 * 60_000;

export interface SequencePosition {
  /** `source|aggregate type|aggregate id`: one producer aggregate. */
  readonly stream: string;
  readonly seq: number;
  /** The seq this consumer must have applied first (0: none). */
  readonly after: number;
  /** When the message was first found ahead of a gap (carried across waiting laps). */
  readonly waitingSince: number | undefined;
}

/**
 * The position of a delivery, or undefined when it has none (no sequence headers, or a dead
 * letter replayed by an operator: a replay is applied whatever the order, by design).
 * `received`: the message types of the consuming queue (undefined: every type counts).
 */
export function sequencePosition(
  envelope: Envelope,
  received: ReadonlySet<string> | undefined,
  waitingSince: number | undefined,
): SequencePosition | undefined {
  const headers = envelope.headers as Parameters<typeof headerNumber>[0];
  const seq = headerNumber(headers, EP.sequence);
  const aggregate = headerString(headers, EP.aggregate);
  if (seq === undefined || aggregate === undefined || envelope.subject === undefined) return undefined;
  if (headers?.[EP.replayed] !== undefined) return undefined;
  let after = 0;
  const text = headerString(headers, EP.sequenceAfter);
  if (text !== undefined) {
    let map: unknown;
    try {
      map = JSON.parse(text);
    } catch {
      map = undefined;
    }
    if (map !== null && typeof map === 'object') {
      for (const [type, value] of Object.entries(map as Record<string, unknown>)) {
        if (typeof value === 'number' && value > after && value < seq && (received === undefined || received.has(type))) after = value;
      }
    }
  }
  return { stream: `${envelope.source}|${aggregate}|${envelope.subject}`, seq, after, waitingSince };
}

export type SequenceVerdict = 'apply' | 'apply-over-gap' | 'stale' | 'wait';

/** What to do with `position` when the stream's last applied seq is `last` (0 when unknown). */
export function judgeSequence(last: number, position: SequencePosition, now: number, gapWaitMs: number): SequenceVerdict {
  if (position.seq <= last) return 'stale';
  if (position.after <= last) return 'apply';
  return now - (position.waitingSince ?? now) >= gapWaitMs ? 'apply-over-gap' : 'wait';
}

/** Thrown by an inbox: the event is ahead of a gap; the consumer sends it round again later. */
export class SequenceGapError extends EventplaneError {
  override readonly name = 'SequenceGapError';
  constructor(
    readonly position: SequencePosition,
    readonly last: number,
  ) {
    super(`event ${position.seq} of ${position.stream} waits for event ${position.after} (last applied: ${last})`);
  }
}

/** Thrown by an inbox: a later event of the stream was applied already (over a gap); applying this one now would reorder. */
export class OutOfOrderError extends EventplaneError {
  override readonly name = 'OutOfOrderError';
  constructor(
    readonly position: SequencePosition,
    readonly last: number,
  ) {
    super(`event ${position.seq} of ${position.stream} arrived after event ${last} was applied: not applied out of order`);
  }
}

/**
 * The inbox's decision, as an exception for the two outcomes that are not "run the handler".
 * Returns whether a gap is being skipped (worth a warning).
 */
export function enforceSequence(last: number, position: SequencePosition, now: number, gapWaitMs: number): 'apply' | 'apply-over-gap' {
  const verdict = judgeSequence(last, position, now, gapWaitMs);
  if (verdict === 'stale') throw new OutOfOrderError(position, last);
  if (verdict === 'wait') throw new SequenceGapError(position, last);
  return verdict;
}
