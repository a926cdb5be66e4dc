/** `local-cluster status` flags the topology's consumer queues that have no consumer. */
import { describe, expect, it } from 'vitest';
import { describeUnconsumed, unconsumedQueues } from '../../../src/local-cluster/unconsumed-queues.js';
import type { TopologyDocument } from '../../../src/topology/types.js';

const topology = {
  queues: [
    { vhost: 'shop', name: 'email-service-queue', role: 'consumer', service: 'shop/email' },
    { vhost: 'shop', name: 'email-service-queue.retry.1', role: 'retry', service: 'shop/email' },
    { vhost: 'shop', name: 'email-service-queue.dlq', role: 'dead-letter', service: 'shop/email' },
    { vhost: 'shop', name: 'cart-service-queue', role: 'consumer', service: 'shop/cart' },
    { vhost: 'clinic', name: 'apt.calendar-sync.queue', role: 'consumer', service: 'clinic/calendar-sync' },
    { vhost: 'sales', name: 'not-applied', role: 'consumer', service: 'sales/quote' },
  ],
} as unknown as Pick<TopologyDocument, 'queues'>;

describe('queues without a consumer', () => {
  it('flags consumer queues with 0 consumers, never retry or dead-letter queues, and skips queues not on the broker', () => {
    const live = [
      { vhost: 'shop', name: 'email-service-queue', messages: 12, consumers: 0 },
      { vhost: 'shop', name: 'email-service-queue.retry.1', messages: 3, consumers: 0 },
      { vhost: 'shop', name: 'email-service-queue.dlq', messages: 2, consumers: 0 },
      { vhost: 'shop', name: 'cart-service-queue', messages: 0, consumers: 1 },
      { vhost: 'clinic', name: 'apt.calendar-sync.queue' },
    ];
    expect(unconsumedQueues(topology, live)).toEqual([
      { vhost: 'clinic', name: 'apt.calendar-sync.queue', service: 'clinic/calendar-sync', messages: 0 },
      { vhost: 'shop', name: 'email-service-queue', service: 'shop/email', messages: 12 },
    ]);
  });

  it('matches vhosts applied under a namespace', () => {
    expect(unconsumedQueues(topology, [{ vhost: 't1-shop', name: 'email-service-queue', messages: 1, consumers: 0 }], 't1-')).toEqual([
      { vhost: 't1-shop', name: 'email-service-queue', service: 'shop/email', messages: 1 },
    ]);
  });

  it('prints nothing when every queue is consumed, else a warning naming each queue and its service', () => {
    expect(describeUnconsumed([])).toEqual([]);
    expect(describeUnconsumed([{ vhost: 'shop', name: 'email-service-queue', service: 'shop/email', messages: 12 }])).toEqual([
      '  ⚠ 1 queue without a consumer (start shop/email):',
      '    shop/email-service-queue: 0 consumers, 12 messages waiting — consumed by shop/email',
    ]);
  });
});
