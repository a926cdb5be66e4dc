import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { coalesceWrites, socketOf } from '../../../src/runtime/amqp/coalesced-writes.js';

/** A sink that records each batch the stream hands down (one `_writev` = one syscall on a socket). */
function recordingSink() {
  const batches: string[][] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      batches.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      batches.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      callback();
    },
  });
  return { sink, batches };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('coalesceWrites', () => {
  it('hands the writes of one turn down as one batch, in order', async () => {
    const { sink, batches } = recordingSink();
    coalesceWrites(sink);
    sink.write('a');
    sink.write('b');
    sink.write('c');
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('does not hold a write past its turn', async () => {
    const { sink, batches } = recordingSink();
    coalesceWrites(sink);
    sink.write('first');
    await nextTurn();
    sink.write('second');
    await nextTurn();
    expect(batches).toEqual([['first'], ['second']]);
  });

  it('flushes what is corked when the stream ends', async () => {
    const { sink, batches } = recordingSink();
    coalesceWrites(sink);
    sink.write('last');
    const finished = new Promise<void>((resolve) => sink.on('finish', resolve));
    sink.end();
    await finished;
    await nextTurn();
    expect(batches.flat()).toEqual(['last']);
  });

  it('finds the socket under an amqplib connection, and nothing under anything else', () => {
    const { sink } = recordingSink();
    expect(socketOf({ connection: { stream: sink } })).toBe(sink);
    expect(socketOf({ connection: {} })).toBeUndefined();
    expect(socketOf(undefined)).toBeUndefined();
  });
});
