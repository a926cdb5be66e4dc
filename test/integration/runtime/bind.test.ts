/**
 * `x-bind` on a real broker: the fixture test/fixtures/specs/bind compiled and applied, then
 * measurements published under several streetlight keys. Each consumer's queue holds exactly
 * the ones it asked for (north: districts north and east; lamp: south/42; all: every one).
 */
import { join } from 'node:path';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../../src/compiler/emit/topology.js';
import { loadContracts } from '../../../src/compiler/index.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { applyTestTopology } from '../../support/broker.js';
import { fixtures } from '../../unit/compiler/support.js';
import { until } from './support.js';

let env: Awaited<ReturnType<typeof applyTestTopology>>;
let topology: TopologyDocument;
let connection: amqp.ChannelModel | undefined;

beforeAll(async () => {
  const { model } = await loadContracts('.', { cwd: join(fixtures, 'bind') });
  topology = buildTopology(model!);
  env = await applyTestTopology(topology, 'bind');
});

afterAll(async () => {
  await connection?.close().catch(() => {});
});

describe('x-bind on a real broker', () => {
  it('each queue receives exactly the parameter values its consumer asked for', async () => {
    const vhost = topology.vhosts[0]!.name;
    // The sender's own user: its topic permission allows every streetlight key.
    connection = await amqp.connect(env.serviceUrl(topology.users.find((u) => u.name.endsWith('streetlights'))!.service));
    const channel = await connection.createConfirmChannel();
    const keys = ['north.1', 'north.42', 'east.7', 'south.42', 'south.43', 'west.42'];
    for (const key of keys) {
      channel.publish('lighting', `lights.${key}.measured`, Buffer.from(JSON.stringify({ lumens: 1 })), { messageId: key, contentType: 'application/json' });
    }
    await channel.waitForConfirms();

    const admin = await amqp.connect(env.adminUrl(vhost));
    try {
      const reader = await admin.createChannel();
      const read = async (queue: string): Promise<string[]> => {
        const ids: string[] = [];
        for (let message = await reader.get(queue, { noAck: true }); message; message = await reader.get(queue, { noAck: true })) ids.push(message.properties.messageId as string);
        return ids.sort();
      };
      const queueOf = (service: string) => topology.queues.find((q) => q.role === 'consumer' && q.service.endsWith(service))!.name;
      const counts = async () => Promise.all(['north', 'lamp', 'all'].map(async (s) => (await reader.checkQueue(queueOf(s))).messageCount));
      await until(async () => (await counts()).join() === '3,1,6', 'every routed message in its queues');
      expect(await read(queueOf('north'))).toEqual(['east.7', 'north.1', 'north.42']);
      expect(await read(queueOf('lamp'))).toEqual(['south.42']);
      expect(await read(queueOf('all'))).toEqual([...keys].sort());
    } finally {
      await admin.close();
    }
  });
});
