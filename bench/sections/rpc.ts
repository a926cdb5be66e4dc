/** Registers bench/rpc.ts (the request/reply section) with the harness. */
export { section } from '../rpc.js';
