/**
 * Socket writes coalesced per turn of the event loop. amqplib writes every frame (a publish, an
 * ack, a basic.qos…) to the socket as its own `write`, and with TCP_NODELAY (which one request in
 * flight needs: see connection.ts) each becomes its own syscall and TCP segment. With 64 requests
 * in flight that cost a fifth of the process's CPU in `writeBuffer` and made the broker read
 * hundreds of tiny segments (bench/rpc.ts: 0.72× → 0.85× raw round trips in the same run).
 *
 * The first write of a turn corks the socket and `process.nextTick` uncorks it, so everything
 * amqplib writes in that synchronous burst (its mux drains every channel at once) leaves in one
 * `writev`. No write waits for
 * a timer or for the peer: latency is that of an uncorked socket.
 */
import type { Writable } from 'node:stream';

export function coalesceWrites(stream: Writable): void {
  const write = stream.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function coalescedWrite(this: Writable, ...args: Parameters<Writable['write']>): boolean {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Writable['write'];
}

/** The socket under an amqplib connection (not in amqplib's types), when there is one. */
export function socketOf(connection: unknown): Writable | undefined {
  const stream = (connection as { connection?: { stream?: unknown } } | undefined)?.connection?.stream;
  return stream !== null && typeof stream === 'object' && typeof (stream as Writable).cork === 'function' ? (stream as Writable) : undefined;
}
