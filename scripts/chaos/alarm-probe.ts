/**
 * The broker-alarm scenarios' witness: a real service (shop/product, started through the service
 * kit in this process, on the chaos cluster, with its own namespaced shop topology and user)
 * whose /readyz and publishes are watched while the alarm holds. The chaos producer's relay
 * goes through the same alarm with the stream; this one shows what a service's users see.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProductPublisher } from '../../generated/clients/shop/product.js';
import { product } from '../../services/shop/product/service.js';
import type { LocalCluster } from '../../src/local-cluster/local-cluster.js';
import { applyTopology } from '../../src/local-cluster/apply-topology.js';
import { BrokerBlockedError } from '../../src/runtime/errors.js';
import { startService, type RunningService } from '../../src/service-kit/index.js';
import type { TopologyDocument } from '../../src/topology/types.js';
import { liveManagement } from './broker-faults.js';
import { REPO_ROOT } from './contract.js';

/** What the witness saw during one alarm (all must hold for the scenario to pass). */
export interface AlarmObservation {
  readonly alarm: 'memory' | 'disk';
  /** How long publishers were blocked, from the alarm's raise to its clear (ms). */
  readonly blockedMs: number;
  /** /readyz answered 503 `blocked` with the broker's reason. */
  readonly readyzBlocked: boolean;
  readonly reason: string;
  /** A publish whose timeout passed during the alarm failed with BrokerBlockedError. */
  readonly typedFailure: boolean;
  /** A publish with time to spare waited through the alarm and was confirmed after it cleared (ms waited). */
  readonly waitedMs: number | null;
  /** /readyz back to 200 after the clear. */
  readonly readyAgain: boolean;
}

/** One system's part of a topology document (its vhost, users and everything in it). */
export function topologyOfSystem(all: TopologyDocument, system: string): TopologyDocument {
  const inSystem = <T extends { vhost: string }>(items: readonly T[]) => items.filter((item) => item.vhost === system);
  return {
    ...all,
    vhosts: all.vhosts.filter((vhost) => vhost.name === system),
    exchanges: inSystem(all.exchanges),
    queues: inSystem(all.queues),
    bindings: inSystem(all.bindings),
    policies: inSystem(all.policies),
    users: all.users.filter((user) => user.service.startsWith(`${system}/`)),
    permissions: inSystem(all.permissions),
    topicPermissions: inSystem(all.topicPermissions),
  };
}

const priceChange = (sku: string) => ({ sku, oldPrice: { amount: '10.00', currency: 'GBP' }, newPrice: { amount: '11.00', currency: 'GBP' }, reason: 'cost_change' as const });

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve().then(condition).catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export class AlarmWitness {
  private constructor(private readonly running: RunningService) {}

  static async start(cluster: LocalCluster, namespace: string, databaseUrl: string): Promise<AlarmWitness> {
    const all = JSON.parse(readFileSync(join(REPO_ROOT, 'generated', 'topology.json'), 'utf8')) as TopologyDocument;
    const applied = await applyTopology(await liveManagement(cluster), topologyOfSystem(all, 'shop'), { namespace });
    const user = applied.users['shop/product']!;
    const running = await startService(product, {
      env: {
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        AMQP_URL: cluster.nodes.map((_, node) => cluster.amqpUrl({ vhost: user.vhost, node })).join(','),
        AMQP_USERNAME: user.username,
        AMQP_PASSWORD: user.password,
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: `${namespace.replace(/[^a-z0-9]+/g, '_')}probe`,
      },
      processMetrics: false,
    });
    return new AlarmWitness(running);
  }

  async readyz(): Promise<{ status: number; body: { status?: string; reason?: string } }> {
    const response = await fetch(`${this.running.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as { status?: string; reason?: string } };
  }

  /**
   * Runs while the alarm is raised: waits until the service sees the block (its own publish is
   * what makes the broker block its connection), checks /readyz, lets a short publish fail and
   * starts a long one. Resolves with what to finish once the alarm is cleared.
   */
  async duringAlarm(): Promise<{ readyzBlocked: boolean; reason: string; typedFailure: boolean; waiting: Promise<number | null> }> {
    const publisher = createProductPublisher(this.running.bus);
    // A few publishes with short timeouts until the bus reports the block.
    let typedFailure = false;
    const provoke = async () => {
      const outcome = await publisher.publishProductPriceChanged(priceChange('ALARM-PROBE'), { timeoutMs: 2_000 }).then(
        () => undefined,
        (error: Error) => error,
      );
      if (outcome instanceof BrokerBlockedError) typedFailure = true;
      return this.running.bus.health().blocked;
    };
    await until(provoke, 60_000);
    let reason = this.running.bus.health().blockedReason ?? '';
    const readyzBlocked = await until(async () => {
      const { status, body } = await this.readyz();
      if (body.reason) reason = body.reason;
      return status === 503 && body.status === 'blocked' && typeof body.reason === 'string';
    }, 10_000);
    if (!typedFailure) {
      const late = await publisher.publishProductPriceChanged(priceChange('ALARM-LATE'), { timeoutMs: 1_000 }).catch((error: Error) => error);
      typedFailure = late instanceof BrokerBlockedError;
    }
    const started = Date.now();
    const waiting = publisher.publishProductPriceChanged(priceChange('ALARM-WAIT'), { timeoutMs: 300_000 }).then(
      () => Date.now() - started,
      () => null,
    );
    return { readyzBlocked, reason, typedFailure, waiting };
  }

  /** After the clear: /readyz ready again (bounded). */
  readyAgain(): Promise<boolean> {
    return until(async () => (await this.readyz()).status === 200, 60_000);
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

/** rabbitmqctl arguments that raise and clear each alarm on a node. */
export const ALARMS = {
  // A watermark no node can stay under: the memory alarm fires at once.
  memory: { raise: ['set_vm_memory_high_watermark', '0.0000001'], clear: ['set_vm_memory_high_watermark', '0.4'] },
  // More free disk than any machine has: the disk monitor raises the alarm on its next check.
  disk: { raise: ['set_disk_free_limit', '1000000GB'], clear: ['set_disk_free_limit', '50000000'] },
} as const;
