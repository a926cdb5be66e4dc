/** Registers bench/outbox.ts (the durable-state section) with the harness. */
export { section } from '../outbox.js';
