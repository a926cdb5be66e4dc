/**
 * sales/notification's stale notifications: `notification.queue` carries a 4-hour message TTL
 * (a policy in the generated topology) and dead-letters what outlives it to
 * `notification.queue.dlq`. The test applies the same topology with the TTL shortened to
 * 300 ms — from the test side, in the document it applies — publishes an event nobody consumes
 * in time, and waits for it in the dead-letter queue.
 */
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { applyTestTopology } from '../../support/broker.js';

const topology = JSON.parse(readFileSync('generated/topology.json', 'utf8')) as TopologyDocument;
const policyOf = (doc: TopologyDocument, name: string) => doc.policies.find((p) => p.vhost === 'sales' && p.name === name)!;

describe('sales notification queue TTL', () => {
  it('the contract gives notification.queue 4 hours and its dead letters 7 days', () => {
    expect(policyOf(topology, 'ep.notification.queue').definition).toMatchObject({ 'message-ttl': 4 * 3600_000, 'dead-letter-exchange': 'notification.dlx' });
    expect(policyOf(topology, 'ep.notification.queue.dlq').definition).toMatchObject({ 'message-ttl': 7 * 86_400_000 });
  });

  it('a notification that waits longer than the TTL is dead-lettered, not delivered late', async () => {
    const shortened = structuredClone(topology);
    (policyOf(shortened, 'ep.notification.queue').definition as Record<string, unknown>)['message-ttl'] = 300;
    const broker = await applyTestTopology(shortened, 'sales-ttl');
    const connection = await amqp.connect(broker.adminUrl('sales'));
    try {
      const channel = await connection.createConfirmChannel();
      const body = { quote_id: '5a8e2c6f-1d4b-4f9a-a3e7-9c2b6d1f4a58', reason: 'insufficient_stock', shortfall: [{ sku: 'HX-200', requested: 500, available: 320 }] };
      channel.publish('sales.events', 'sales.stock.reservation_failed', Buffer.from(JSON.stringify(body)), { persistent: true, messageId: 'stale-1', type: 'sales.StockReservationFailed', contentType: 'application/json' });
      await channel.waitForConfirms();

      const vhost = `${broker.namespace}sales`;
      const deadline = Date.now() + 30_000;
      let dead: amqp.GetMessage | false = false;
      while (!dead) {
        dead = await channel.get('notification.queue.dlq', { noAck: false });
        if (!dead) {
          if (Date.now() > deadline) throw new Error(`nothing reached notification.queue.dlq in 30 s: ${JSON.stringify(await broker.management.queue(vhost, 'notification.queue'))}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(dead.properties.messageId).toBe('stale-1');
      const death = (dead.properties.headers?.['x-death'] as Array<{ reason: string; queue: string }>)[0]!;
      expect(death).toMatchObject({ reason: 'expired', queue: 'notification.queue' });
      channel.ack(dead);
      // The live queue no longer holds it: no consumer will ever send it.
      expect(await channel.get('notification.queue', { noAck: true })).toBe(false);
      // Another consumer of the same event (quote) still has it: the TTL is notification's alone.
      const forQuote = await channel.get('quote.queue', { noAck: true });
      expect(forQuote && forQuote.properties.messageId).toBe('stale-1');
    } finally {
      await connection.close();
    }
  });
});
