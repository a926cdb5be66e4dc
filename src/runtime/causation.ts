/**
 * The delivery a handler is working on, so that anything it publishes — directly or deep inside
 * other code — inherits correlation id, tenant and trace context and names it as its cause,
 * without threading `causedBy` through every call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Envelope } from './contract.js';

const current = new AsyncLocalStorage<Envelope>();

export function runWithCause<A extends unknown[], T>(envelope: Envelope, fn: (...args: A) => T, ...args: A): T {
  return current.run(envelope, fn, ...args);
}

/** The envelope of the delivery being handled in this async context, if any. */
export function currentCause(): Envelope | undefined {
  return current.getStore();
}
