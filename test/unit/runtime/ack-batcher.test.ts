import type { Channel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { AckBatcher } from '../../../src/runtime/amqp/ack-batcher.js';

function fakeChannel() {
  const frames: string[] = [];
  const channel = {
    ack: (m: { fields: { deliveryTag: number } }, multiple = false) => frames.push(`ack ${m.fields.deliveryTag}${multiple ? ' multiple' : ''}`),
    nack: (m: { fields: { deliveryTag: number } }, _multiple: boolean, requeue: boolean) => frames.push(`nack ${m.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  } as unknown as Channel;
  return { channel, frames };
}

describe('AckBatcher', () => {
  it('acks a contiguous run with one multiple ack and finished stragglers singly', () => {
    const { channel, frames } = fakeChannel();
    const acks = new AckBatcher(channel);
    for (let tag = 1; tag <= 6; tag++) acks.delivered(tag);
    acks.ack(2);
    acks.ack(1);
    acks.nack(3, false);
    acks.ack(5);
    expect(frames).toEqual(['nack 3']); // rejects go at once, acks wait for the flush
    acks.flush();
    expect(frames).toEqual(['nack 3', 'ack 2 multiple', 'ack 5']);
    acks.ack(4);
    acks.ack(6);
    acks.flush();
    expect(frames.slice(3)).toEqual(['ack 6 multiple']);
  });

  it('flushes by itself on the next turn of the event loop', async () => {
    const { channel, frames } = fakeChannel();
    const acks = new AckBatcher(channel);
    acks.delivered(1);
    acks.delivered(2);
    acks.ack(1);
    acks.ack(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(frames).toEqual(['ack 2 multiple']);
  });

  it('falls back to single acks if tags ever arrive out of sequence', () => {
    const { channel, frames } = fakeChannel();
    const acks = new AckBatcher(channel);
    acks.delivered(1);
    acks.delivered(7);
    acks.ack(7);
    expect(frames).toEqual(['ack 7']);
  });
});
