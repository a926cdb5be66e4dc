/**
 * Queue, retry and dead-letter policies of a receive operation: its (already validated)
 * `x-queue`, `x-retry` and `x-dead-letter` with the safe defaults of docs/CONTRACTS.md.
 */
import { isRecord } from '../load/pointer.js';
import type { DeadLetterPolicy, QueuePolicy, RetryPolicy } from '../model.js';
import { durationMs } from '../../shared/duration.js';

export { durationMs };

export const QUEUE_DEFAULTS = {
  type: 'quorum',
  maxLength: 100_000,
  overflow: 'reject-publish',
  deliveryLimit: 10,
  prefetch: 50,
  concurrency: 10,
  depthAlert: 1000,
} as const;

export const RETRY_DEFAULTS = { retries: 5, initialDelayMs: 1000, maxDelayMs: 300_000 } as const;

export const DEAD_LETTER_DEFAULTS = { maxLength: 1_000_000, warnAt: 1, pageAt: 100 } as const;

function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function str<T extends string>(value: unknown): T | undefined {
  return typeof value === 'string' ? (value as T) : undefined;
}

export function queuePolicy(xQueue: unknown, defaultName: string): QueuePolicy {
  const q = isRecord(xQueue) ? xQueue : {};
  const messageTtlMs = durationMs(q.messageTtl);
  const maxLengthBytes = int(q.maxLengthBytes);
  return {
    name: str(q.name) ?? defaultName,
    type: str<QueuePolicy['type']>(q.type) ?? QUEUE_DEFAULTS.type,
    maxLength: int(q.maxLength) ?? QUEUE_DEFAULTS.maxLength,
    ...(maxLengthBytes !== undefined ? { maxLengthBytes } : {}),
    overflow: str<QueuePolicy['overflow']>(q.overflow) ?? QUEUE_DEFAULTS.overflow,
    deliveryLimit: int(q.deliveryLimit) ?? QUEUE_DEFAULTS.deliveryLimit,
    ...(messageTtlMs !== undefined ? { messageTtlMs } : {}),
    prefetch: int(q.prefetch) ?? QUEUE_DEFAULTS.prefetch,
    concurrency: int(q.concurrency) ?? QUEUE_DEFAULTS.concurrency,
    depthAlert: int(q.depthAlert) ?? QUEUE_DEFAULTS.depthAlert,
  };
}

/**
 * The retry ladder. Without a multiplier it grows geometrically from the initial delay to
 * exactly the maximum on the last retry (1 s, 4.2 s, 17.3 s, 72.1 s, 300 s by default); with one,
 * each step multiplies the previous and is capped at the maximum.
 */
export function retryPolicy(xRetry: unknown): RetryPolicy {
  const r = isRecord(xRetry) ? xRetry : {};
  const retries = int(r.retries) ?? RETRY_DEFAULTS.retries;
  const initialDelayMs = durationMs(r.initialDelay) ?? RETRY_DEFAULTS.initialDelayMs;
  const maxDelayMs = Math.max(durationMs(r.maxDelay) ?? RETRY_DEFAULTS.maxDelayMs, initialDelayMs);
  const given = typeof r.multiplier === 'number' ? r.multiplier : undefined;
  const multiplier = given ?? (retries > 1 ? (maxDelayMs / initialDelayMs) ** (1 / (retries - 1)) : 1);
  const delaysMs = Array.from({ length: retries }, (_, i) =>
    i === retries - 1 && given === undefined && retries > 1 ? maxDelayMs : Math.min(Math.round(initialDelayMs * multiplier ** i), maxDelayMs),
  );
  return { retries, initialDelayMs, maxDelayMs, multiplier: Math.round(multiplier * 1e6) / 1e6, delaysMs };
}

export function deadLetterPolicy(xDeadLetter: unknown, queueName: string): DeadLetterPolicy {
  const d = isRecord(xDeadLetter) ? xDeadLetter : {};
  const messageTtlMs = durationMs(d.messageTtl);
  return {
    queue: str(d.queue) ?? `${queueName}.dlq`,
    maxLength: int(d.maxLength) ?? DEAD_LETTER_DEFAULTS.maxLength,
    ...(messageTtlMs !== undefined ? { messageTtlMs } : {}),
    warnAt: int(d.warnAt) ?? DEAD_LETTER_DEFAULTS.warnAt,
    pageAt: int(d.pageAt) ?? DEAD_LETTER_DEFAULTS.pageAt,
  };
}
