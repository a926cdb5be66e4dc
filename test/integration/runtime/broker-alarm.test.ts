/**
 * Broker resource alarms on a real node: while RabbitMQ blocks publishers (memory alarm, then
 * disk-free alarm), a real service (shop/product through the service kit) reports `blocked` on
 * /readyz with the broker's reason, a publish whose timeout passes fails with BrokerBlockedError
 * and never reaches a queue, and a publish with time to spare waits and is delivered once the
 * alarm clears.
 *
 * Alarms are node-wide, so this file starts a node of its own instead of the shared test node.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createProductPublisher } from '../../../generated/clients/shop/product.js';
import { product } from '../../../services/shop/product/service.js';
import { applyTopology, type AppliedTopology } from '../../../src/local-cluster/apply-topology.js';
import { startLocalCluster, type LocalCluster } from '../../../src/local-cluster/local-cluster.js';
import { BrokerBlockedError, PublishTimeoutError } from '../../../src/runtime/errors.js';
import { startService, type RunningService } from '../../../src/service-kit/index.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { until } from './support.js';

let cluster: LocalCluster;
let applied: AppliedTopology;
let running: RunningService;

/** Only the shop system: the node needs nothing else. */
function shopTopology(): TopologyDocument {
  const all = JSON.parse(readFileSync('generated/topology.json', 'utf8')) as TopologyDocument;
  const inShop = <T extends { vhost: string }>(items: readonly T[]) => items.filter((item) => item.vhost === 'shop');
  return {
    ...all,
    vhosts: all.vhosts.filter((v) => v.name === 'shop'),
    exchanges: inShop(all.exchanges),
    queues: inShop(all.queues),
    bindings: inShop(all.bindings),
    policies: inShop(all.policies),
    users: all.users.filter((u) => u.service.startsWith('shop/')),
    permissions: inShop(all.permissions),
    topicPermissions: inShop(all.topicPermissions),
  } as TopologyDocument;
}

const priceChange = (sku: string) => ({ sku, oldPrice: { amount: '10.00', currency: 'GBP' }, newPrice: { amount: '12.00', currency: 'GBP' }, reason: 'cost_change' as const });

async function readyz(): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const response = await fetch(`${running.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

/** Message ids waiting in the cart's queue (read as the administrator, acknowledged). */
async function cartQueueIds(): Promise<string[]> {
  const connection = await amqp.connect(cluster.amqpUrl({ vhost: 'shop' }));
  try {
    const channel = await connection.createChannel();
    const ids: string[] = [];
    for (;;) {
      const message = await channel.get('cart-service-queue', { noAck: true });
      if (message === false) return ids;
      ids.push(String(message.properties.messageId));
    }
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  cluster = await startLocalCluster({ nodes: 1 });
  applied = await applyTopology(cluster.management(), shopTopology());
  const user = applied.users['shop/product']!;
  running = await startService(product, {
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      AMQP_URL: cluster.amqpUrl({ vhost: user.vhost }),
      AMQP_USERNAME: user.username,
      AMQP_PASSWORD: user.password,
      DATABASE_URL: inject('postgres').url,
      DATABASE_SCHEMA: `alarm_${randomBytes(3).toString('hex')}`,
    },
    processMetrics: false,
  });
}, 300_000);

afterAll(async () => {
  await running?.close();
  await cluster?.destroy();
}, 180_000);

describe.each([
  {
    alarm: 'memory',
    raise: ['set_vm_memory_high_watermark', '0.0000001'],
    clear: ['set_vm_memory_high_watermark', '0.4'],
    reason: /memory/,
  },
  {
    alarm: 'disk-free',
    // More free disk than any machine has: the disk monitor raises the alarm on its next check.
    raise: ['set_disk_free_limit', '1000000GB'],
    clear: ['set_disk_free_limit', '50000000'],
    reason: /disk/,
  },
])('a broker $alarm alarm', ({ raise, clear, reason }) => {
  it('blocks publishers: /readyz says blocked and why, a publish past its timeout fails typed and is not delivered, a waiting one is delivered after', async () => {
    const publisher = createProductPublisher(running.bus);
    await cartQueueIds(); // start from an empty queue
    expect((await readyz()).status).toBe(200);

    await cluster.node(0).ctl(raise);
    let restored = false;
    try {
      // The broker blocks a connection when it next publishes: this publish is the one that finds out.
      const first = publisher.publishProductPriceChanged(priceChange('ALARM-1'), { timeoutMs: 3_000 }).then(
        () => undefined,
        (error: Error) => error,
      );
      await until(() => running.bus.health().blocked, 'the bus to see the broker block publishers', 30_000);
      const blocked = await readyz();
      expect(blocked.status).toBe(503);
      expect(blocked.body.status).toBe('blocked');
      expect(blocked.body.reason).toMatch(reason);
      expect(running.bus.health().blockedReason).toMatch(reason);

      // A publish whose timeout passes while blocked: typed, and it says it never left.
      const late = await publisher.publishProductPriceChanged(priceChange('ALARM-2'), { timeoutMs: 1_500 }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(late).toBeInstanceOf(BrokerBlockedError);
      expect(late).toBeInstanceOf(PublishTimeoutError);
      expect((late as BrokerBlockedError).sent).toBe(false);
      expect((late as BrokerBlockedError).reason).toMatch(reason);
      const firstOutcome = await first;

      // One with time to spare waits through the alarm.
      let settled = false;
      const waiting = publisher.publishProductPriceChanged(priceChange('ALARM-3'), { timeoutMs: 120_000 }).finally(() => (settled = true));
      await until(() => running.bus.health().publisher.pending >= 1, 'the publish to be held', 10_000);
      expect(settled).toBe(false);

      await cluster.node(0).ctl(clear);
      restored = true;
      const receipt = await waiting;
      await until(async () => (await readyz()).status === 200, '/readyz ready again', 30_000);
      expect(running.bus.health().blocked).toBe(false);

      const delivered = await cartQueueIds();
      expect(delivered).toContain(receipt.messageId);
      // The publish that failed as never sent is not in the queue.
      expect(delivered).not.toContain((late as BrokerBlockedError).destination.messageId);
      // The first went out before the block: confirmed (then delivered), or failed as sent (may or may not be).
      if (firstOutcome !== undefined) {
        expect(firstOutcome).toBeInstanceOf(BrokerBlockedError);
        expect((firstOutcome as BrokerBlockedError).sent).toBe(true);
      } else expect(delivered).toHaveLength(2);
    } finally {
      if (!restored) await cluster.node(0).ctl(clear).catch(() => undefined);
    }
    // rabbitmqctl takes seconds per call on a busy machine; the waits themselves are bounded above.
  }, 360_000);
});
