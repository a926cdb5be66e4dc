import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard } from '../../infra/monitoring/dashboards.js';
import { DETAILED_METRIC_FAMILIES } from '../../infra/monitoring/monitoring-manifests.js';
import { RABBITMQ_CONF } from '../../infra/rabbitmq/rabbitmq-conf.js';
import { ManagementApiError, type ManagementClient } from '../../src/broker/management-client.js';
import { startLocalCluster, type LocalCluster } from '../../src/local-cluster/local-cluster.js';
import type { TopologyDocument, TopologyQueue } from '../../src/topology/types.js';
import { attempt, eventually, publishConfirmed } from './support/broker-probe.js';
import { declaredBroker, definitionsDocument, documentBroker, sorted, type BrokerObjects } from './support/declared-broker.js';
import { kubernetesObjects } from './support/kubernetes-checks.js';
import { runProgramUnderMocks, type ProgramRun } from './support/program-under-mocks.js';
import { topologiesUnderTest } from './support/topologies.js';

/**
 * The proof that what `pulumi up` would configure works on a real broker: the rabbitmq.conf
 * lines the program renders for the operator boot a 3-node cluster of Debian's RabbitMQ,
 * the objects it declares through @pulumi/rabbitmq load into it, and the permissions it
 * grants are enforced by the broker itself.
 */
const RABBITMQ_LIB = '/usr/lib/rabbitmq/lib';
/** Schemas of the plugins a node runs here (and the operator enables): core, management, prometheus. */
const SCHEMA_OWNERS = /^(rabbit|rabbitmq_management|rabbitmq_management_agent|rabbitmq_prometheus)-/;
const NEWER_THAN_LOCAL = new Set(RABBITMQ_CONF.filter((s) => s.since).map((s) => s.key));

function parseConf(text: string): Array<{ key: string; value: string }> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return { key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    });
}

/** `{mapping, "ssl_options.versions.$version", …}` → /^ssl_options\.versions\.[^.]+$/ for every installed setting. */
function installedSettings(): RegExp[] {
  const [server] = readdirSync(RABBITMQ_LIB).filter((d) => d.startsWith('rabbitmq_server-'));
  const plugins = join(RABBITMQ_LIB, server!, 'plugins');
  const patterns: RegExp[] = [];
  for (const plugin of readdirSync(plugins).filter((p) => SCHEMA_OWNERS.test(p))) {
    const dir = join(plugins, plugin, 'priv', 'schema');
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of files) {
      for (const [, name] of readFileSync(join(dir, file), 'utf8').matchAll(/\{mapping,\s*"([^"]+)"/g)) {
        patterns.push(new RegExp(`^${name!.split('.').map((part) => (part.startsWith('$') ? '[^.]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('\\.')}$`));
      }
    }
  }
  return patterns;
}

let cluster: LocalCluster;
let admin: ManagementClient;
let rendered: Array<{ key: string; value: string }>;

beforeAll(async () => {
  const run = await runProgramUnderMocks({ stack: 'prod', topologyFile: topologiesUnderTest()[0]!.file });
  const rabbitmqCluster = kubernetesObjects(run.registrations).find((o) => o.kind === 'RabbitmqCluster') as any;
  rendered = parseConf(rabbitmqCluster.spec.rabbitmq.additionalConfig);
  cluster = await startLocalCluster({
    nodes: 3,
    // As in production: the real topology's hundreds of quorum queues need more than 1024 files.
    extraConfig: rendered.filter((s) => !NEWER_THAN_LOCAL.has(s.key)).map((s) => `${s.key} = ${s.value}`),
  });
  admin = cluster.management();
});

afterAll(async () => {
  await cluster?.destroy();
});

describe('the rendered broker configuration', () => {
  it('uses only settings RabbitMQ defines; the ones left out locally really are newer than this 3.10', () => {
    const known = installedSettings();
    expect(known.length).toBeGreaterThan(100);
    const defined = (key: string) => known.some((pattern) => pattern.test(key));
    expect(rendered.length).toBe(RABBITMQ_CONF.length);
    expect(rendered.filter((s) => !NEWER_THAN_LOCAL.has(s.key) && !defined(s.key)).map((s) => s.key)).toEqual([]);
    expect([...NEWER_THAN_LOCAL].filter(defined)).toEqual([]);
    expect(NEWER_THAN_LOCAL).toEqual(new Set(['default_queue_type']));
  });

  it('boots a cluster of 3 running nodes, without the guest user', async () => {
    const nodes = await admin.nodes();
    expect(nodes.filter((n) => n.running)).toHaveLength(3);
    const users = await admin.get<Array<{ name: string }>>('/users');
    expect(users.map((u) => u.name)).not.toContain('guest');
  });

  it('is in effect on every node', async () => {
    for (const node of cluster.nodes) {
      const env = (key: string) => node.ctl(['eval', `application:get_env(rabbit, ${key}).`]);
      expect(await env('max_message_size')).toContain('{ok,16777216}');
      expect(await env('collect_statistics_interval')).toContain('{ok,10000}');
      const versions = /\{versions,\[([^\]]*)\]\}/.exec(await env('ssl_options'))?.[1]?.split(',').sort();
      expect(versions).toEqual(["'tlsv1.2'", "'tlsv1.3'"]);
      expect(await env('disk_free_limit')).toContain('{mem_relative,1.0}');
    }
    // The password validator refuses a weak password, even from the administrator.
    const weak = admin.putUser(`weak-${randomUUID().slice(0, 8)}`, 'short');
    await expect(weak).rejects.toBeInstanceOf(ManagementApiError);
    await expect(weak).rejects.toMatchObject({ status: 400 });
  });
});

for (const topology of topologiesUnderTest()) {
  describe(`the declared topology on the cluster (${topology.label})`, () => {
    const doc: TopologyDocument = topology.document;
    let run: ProgramRun;
    let declared: ReturnType<typeof declaredBroker>;
    const connections: ChannelModel[] = [];
    const login = async (service: string, node = 0) => {
      const user = doc.users.find((u) => u.service === service)!;
      const connection = await amqp.connect(cluster.amqpUrl({ username: user.name, password: declared.passwords.get(user.name)!, vhost: user.vhost, node }), {
        timeout: 15_000,
      });
      connections.push(connection);
      return connection;
    };
    const observer = async (vhost: string) => {
      const connection = await amqp.connect(cluster.amqpUrl({ vhost }), { timeout: 15_000 });
      connections.push(connection);
      return connection;
    };

    beforeAll(async () => {
      run = await runProgramUnderMocks({ stack: 'prod', topologyFile: topology.file });
      declared = declaredBroker(run.registrations);
      // A clean broker for each topology: only the administrator and `/` stay.
      for (const vhost of await admin.get<Array<{ name: string }>>('/vhosts')) {
        if (vhost.name !== '/') await admin.request('DELETE', `/vhosts/${encodeURIComponent(vhost.name)}`);
      }
      for (const user of await admin.get<Array<{ name: string }>>('/users')) {
        if (user.name !== cluster.admin.username) await admin.request('DELETE', `/users/${encodeURIComponent(user.name)}`);
      }
      await admin.importDefinitions(definitionsDocument(declared));
      // The test observes queues as the administrator, which the program grants nothing in these vhosts.
      for (const vhost of declared.vhosts) await admin.putPermissions(vhost, cluster.admin.username, { configure: '.*', write: '.*', read: '.*' });
      // Every quorum queue has elected a leader with all 3 members online before clients arrive.
      await eventually(
        'every quorum queue online on 3 nodes',
        async () => {
          for (const vhost of declared.vhosts) {
            const listed = JSON.parse(await cluster.node(0).ctl(['list_queues', '-p', vhost, 'name', 'online', '--formatter', 'json'])) as Array<{ online: string[] }>;
            if (listed.some((q) => q.online.length < 3)) return undefined;
          }
          return true;
        },
        180_000,
      );
    }, 420_000);

    afterAll(async () => {
      await Promise.all(connections.map((c) => c.close().catch(() => {})));
    });

    it('loads: the broker then holds exactly the objects of the topology document', async () => {
      const definitions = await admin.definitions();
      const exported = fromBroker(definitions, cluster.admin.username);
      expect(sorted(exported)).toEqual(sorted(documentBroker(doc)));
    });

    it('makes every queue a quorum queue replicated on all 3 nodes, under its own policy', async () => {
      for (const vhost of doc.vhosts) {
        // rabbitmqctl reads the queue records themselves; the management API's copy lags by a statistics interval.
        const listed = JSON.parse(
          await cluster.node(0).ctl(['list_queues', '-p', vhost.name, 'name', 'type', 'durable', 'policy', 'members', '--formatter', 'json']),
        ) as Array<{ name: string; type: string; durable: boolean; policy: string; members: string[] }>;
        const queues = doc.queues.filter((q) => q.vhost === vhost.name);
        expect(listed.map((q) => q.name).sort()).toEqual(queues.map((q) => q.name).sort());
        for (const queue of listed) {
          expect(queue.type, queue.name).toBe('quorum');
          expect(queue.durable, queue.name).toBe(true);
          expect(queue.members, queue.name).toHaveLength(3);
          const own = doc.policies.find((p) => p.vhost === vhost.name && new RegExp(p.pattern).test(queue.name));
          expect(queue.policy, queue.name).toBe(own?.name ?? '');
        }
      }
    });

    it("lets a service publish its own routing keys and refuses another service's", async () => {
      let allowed = 0;
      let refused = 0;
      for (const [i, topic] of doc.topicPermissions.entries()) {
        const user = doc.users.find((u) => u.name === topic.user)!;
        const own = new RegExp(topic.write);
        const keys = doc.bindings.filter((b) => b.vhost === topic.vhost && b.source === topic.exchange).map((b) => b.routingKey);
        const mine = keys.find((k) => own.test(k));
        const theirs = keys.find((k) => !own.test(k));
        const connection = await login(user.service, i % 3);
        if (mine) {
          expect(await attempt(connection, (ch) => publishConfirmed(ch, topic.exchange, mine, '{}', randomUUID())), `${user.name} → ${mine}`).toEqual({ ok: true });
          allowed += 1;
        }
        if (theirs) {
          const outcome = await attempt(connection, (ch) => publishConfirmed(ch, topic.exchange, theirs, '{}', randomUUID()));
          expect(outcome, `${user.name} → ${theirs}`).toMatchObject({ ok: false, code: 403 });
          refused += 1;
        }
      }
      expect(allowed).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
    });

    it("refuses a service reading another service's queue, declaring a queue, or writing to another service's exchanges", async () => {
      let checked = 0;
      for (const [i, user] of doc.users.entries()) {
        const connection = await login(user.service, i % 3);
        const mine = doc.queues.find((q) => q.service === user.service && q.role === 'consumer');
        if (mine) expect(await attempt(connection, (ch) => ch.consume(mine.name, () => {})), `${user.name} reads ${mine.name}`).toEqual({ ok: true });
        const theirs = doc.queues.find((q) => q.vhost === user.vhost && q.service !== user.service && q.role === 'consumer');
        if (theirs) {
          expect(await attempt(connection, (ch) => ch.consume(theirs.name, () => {})), `${user.name} reads ${theirs.name}`).toMatchObject({ ok: false, code: 403 });
          checked += 1;
        }
        expect(await attempt(connection, (ch) => ch.assertQueue(`probe-${randomUUID()}`, { durable: true })), `${user.name} declares`).toMatchObject({ ok: false, code: 403 });
        const write = new RegExp(doc.permissions.find((p) => p.user === user.name && p.vhost === user.vhost)!.write);
        const foreign = doc.exchanges.find((e) => e.vhost === user.vhost && e.service !== undefined && e.service !== user.service && !write.test(e.name));
        if (foreign) {
          const outcome = await attempt(connection, (ch) => publishConfirmed(ch, foreign.name, 'x', '{}', randomUUID()));
          expect(outcome, `${user.name} writes ${foreign.name}`).toMatchObject({ ok: false, code: 403 });
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    it("dead-letters a message its consumer rejects into the queue's dead-letter queue, through the policy", async () => {
      const { queue, binding } = publishableBy(doc, (q) => q.deadLetterQueue !== undefined);
      const owner = await login(queue.service, 1);
      const messageId = randomUUID();
      expect(await attempt(owner, (ch) => publishConfirmed(ch, binding.source, binding.routingKey, '{"n":1}', messageId))).toEqual({ ok: true });
      const consumer = await owner.createChannel();
      await consumer.prefetch(1);
      const rejected = new Promise<void>((resolve) => {
        void consumer.consume(queue.name, (message) => {
          if (!message) return;
          if (message.properties.messageId === messageId) {
            consumer.nack(message, false, false);
            resolve();
          } else consumer.ack(message);
        });
      });
      await rejected;
      const watcher = await (await observer(queue.vhost)).createChannel();
      const dead = await eventually(`the message in ${queue.deadLetterQueue}`, async () => {
        const message = await watcher.get(queue.deadLetterQueue!);
        return message === false ? undefined : message;
      });
      watcher.ack(dead);
      expect(dead.properties.messageId).toBe(messageId);
      expect(dead.properties.headers?.['x-first-death-reason']).toBe('rejected');
      expect(dead.properties.headers?.['x-first-death-queue']).toBe(queue.name);
      await consumer.close();
    });

    it('returns a message from the first retry queue to its queue once the delay has passed', async () => {
      const { queue, binding } = publishableBy(doc, (q) => (q.retryQueues?.length ?? 0) > 0, (q) => q.retryQueues![0]!);
      const retry = doc.queues.find((q) => q.vhost === queue.vhost && q.name === queue.retryQueues![0])!;
      const owner = await login(queue.service, 2);
      const messageId = randomUUID();
      const sent = Date.now();
      expect(await attempt(owner, (ch) => publishConfirmed(ch, binding.source, binding.routingKey, '{"n":2}', messageId))).toEqual({ ok: true });
      const watcher = await (await observer(queue.vhost)).createChannel();
      const returned = await eventually(
        `the message back in ${queue.name}`,
        async () => {
          const message = await watcher.get(queue.name);
          if (message === false) return undefined;
          watcher.ack(message);
          return message.properties.messageId === messageId ? message : undefined;
        },
        (retry.delayMs ?? 0) + 30_000,
      );
      expect(Date.now() - sent).toBeGreaterThanOrEqual((retry.delayMs ?? 0) - 50);
      const death = (returned.properties.headers?.['x-death'] as Array<{ queue: string; reason: string }>)[0]!;
      expect(death).toMatchObject({ queue: retry.name, reason: 'expired' });
    });

    it('exposes every metric, and every label, the alerts and dashboards query', async () => {
      const { queue, binding } = publishableBy(doc, (q) => q.role === 'consumer');
      // Traffic with a live consumer, so per-channel and per-queue series exist when scraped.
      const owner = await login(queue.service, 0);
      const consumer = await owner.createChannel();
      let consumed = 0;
      await consumer.consume(queue.name, (message) => {
        if (!message) return;
        consumer.ack(message);
        consumed += 1;
      });
      const publisher = await owner.createConfirmChannel();
      for (let i = 0; i < 5; i++) publisher.publish(binding.source, binding.routingKey, Buffer.from('{}'), { persistent: true, messageId: randomUUID() });
      await publisher.waitForConfirms();
      await eventually('the consumer to receive 5 messages', async () => (consumed >= 5 ? true : undefined));

      const rule = kubernetesObjects(run.registrations).find((o) => o.kind === 'PrometheusRule') as any;
      const monitor = kubernetesObjects(run.registrations).find((o) => o.kind === 'ServiceMonitor' && (o as any).spec.endpoints.some((e: any) => e.path === '/metrics/detailed')) as any;
      const detailed = monitor.spec.endpoints.find((e: any) => e.path === '/metrics/detailed');
      expect(detailed.params.family).toEqual([...DETAILED_METRIC_FAMILIES]);
      const query = new URLSearchParams([...detailed.params.family.map((f: string) => ['family', f]), ...detailed.params.vhost.map((v: string) => ['vhost', v])]);
      const boards = kubernetesObjects(run.registrations)
        .filter((o) => o.kind === 'ConfigMap')
        .flatMap((o) => Object.values((o as any).data as Record<string, string>).map((json) => JSON.parse(json) as Dashboard));
      const expressions: string[] = [
        ...rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => String(r.expr))),
        ...boards.flatMap((b) => b.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr))),
      ];
      const wanted = selectors(expressions).filter((s) => /^(rabbitmq|erlang)_/.test(s.metric));
      expect(wanted.length).toBeGreaterThan(20);
      // Per-object statistics are refreshed every collect_statistics_interval (10 s): poll until every series is there.
      const missing = await eventually(
        'every queried metric on the cluster',
        async () => {
          const scraped = await scrapeAll(cluster, query);
          const absent = wanted.filter((s) => !scraped.has(s.metric)).map((s) => s.metric);
          return absent.length === 0 ? { scraped, absent } : undefined;
        },
        60_000,
      ).catch(async () => {
        const scraped = await scrapeAll(cluster, query);
        return { scraped, absent: [...new Set(wanted.filter((s) => !scraped.has(s.metric)).map((s) => s.metric))] };
      });
      expect(missing.absent).toEqual([]);
      // Labels the queries select on exist on those series (those Prometheus adds when scraping aside).
      const added = new Set(['namespace', 'instance', 'job', 'pod', 'service', 'endpoint', 'container']);
      const badLabels = wanted.flatMap((s) => s.labels.filter((l) => !added.has(l) && !missing.scraped.get(s.metric)!.has(l)).map((l) => `${s.metric}{${l}}`));
      expect([...new Set(badLabels)]).toEqual([]);
      await consumer.close();
    });
  });
}

/** A queue matching `want` and a binding into `target(queue)` that the queue's own service may publish to. */
function publishableBy(doc: TopologyDocument, want: (q: TopologyQueue) => boolean, target: (q: TopologyQueue) => string = (q) => q.name) {
  for (const queue of doc.queues.filter(want)) {
    const user = doc.users.find((u) => u.service === queue.service)!;
    const permission = doc.permissions.find((p) => p.user === user.name && p.vhost === queue.vhost);
    if (!permission) continue;
    for (const binding of doc.bindings.filter((b) => b.vhost === queue.vhost && b.destination === target(queue) && b.destinationType === 'queue')) {
      if (!new RegExp(permission.write).test(binding.source)) continue;
      const exchange = doc.exchanges.find((e) => e.vhost === binding.vhost && e.name === binding.source)!;
      const topics = doc.topicPermissions.filter((t) => t.user === user.name && t.vhost === binding.vhost && t.exchange === binding.source);
      if (exchange.type === 'topic' && topics.length > 0 && !topics.some((t) => new RegExp(t.write).test(binding.routingKey))) continue;
      return { queue, binding };
    }
  }
  throw new Error('no queue whose own service may publish into it: the topology gives services no way to retry or dead-letter');
}

/** Normalises GET /api/definitions to the shape documentBroker produces (the administrator left out). */
function fromBroker(definitions: Record<string, any>, adminName: string): BrokerObjects {
  const tags = (t: unknown) => (Array.isArray(t) ? t : String(t ?? '').split(',').filter(Boolean));
  return {
    vhosts: definitions.vhosts.map((v: any) => v.name).filter((n: string) => n !== '/'),
    exchanges: definitions.exchanges.map((e: any) => ({ vhost: e.vhost, name: e.name, type: e.type, durable: e.durable, auto_delete: e.auto_delete, internal: e.internal, arguments: e.arguments })),
    queues: definitions.queues.map((q: any) => ({ vhost: q.vhost, name: q.name, durable: q.durable, auto_delete: q.auto_delete, arguments: q.arguments })),
    bindings: definitions.bindings.map((b: any) => ({
      vhost: b.vhost,
      source: b.source,
      destination: b.destination,
      destination_type: b.destination_type,
      routing_key: b.routing_key,
      arguments: b.arguments,
    })),
    policies: definitions.policies.map((p: any) => ({ vhost: p.vhost, name: p.name, pattern: p.pattern, 'apply-to': p['apply-to'], priority: p.priority, definition: p.definition })),
    users: definitions.users.filter((u: any) => u.name !== adminName).map((u: any) => ({ name: u.name, tags: tags(u.tags) })),
    permissions: definitions.permissions
      .filter((p: any) => p.user !== adminName)
      .map((p: any) => ({ user: p.user, vhost: p.vhost, configure: p.configure, write: p.write, read: p.read })),
    topic_permissions: (definitions.topic_permissions ?? []).map((t: any) => ({ user: t.user, vhost: t.vhost, exchange: t.exchange, write: t.write, read: t.read })),
  };
}

/** Metric selectors in PromQL expressions: the metric and the label names it matches on. */
function selectors(expressions: readonly string[]): Array<{ metric: string; labels: string[] }> {
  const found = new Map<string, Set<string>>();
  // String contents go first: label_replace arguments and matcher values are not metrics.
  for (const expr of expressions.map((e) => e.replace(/"[^"]*"|`[^`]*`/g, '""'))) {
    for (const match of expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*(\{([^}]*)\})?/g)) {
      const [, metric, , matchers] = match;
      if (!/^(rabbitmq|erlang|kube)_/.test(metric!)) continue;
      // Names inside `by (…)`, `on (…)`, `group_left (…)` lists are labels, not metrics.
      const before = expr.slice(0, match.index);
      if (/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before)) continue;
      if (/^\s*(=|!=|=~|!~)/.test(expr.slice(match.index! + metric!.length))) continue;
      const labels = found.get(metric!) ?? new Set<string>();
      for (const [, label] of (matchers ?? '').matchAll(/([a-z_][a-z0-9_]*)\s*(=~|!~|!=|=)/g)) labels.add(label!);
      found.set(metric!, labels);
    }
  }
  return [...found].map(([metric, labels]) => ({ metric, labels: [...labels] }));
}

/** Every node's /metrics and /metrics/detailed: metric name → the label names seen on it. */
async function scrapeAll(localCluster: LocalCluster, detailedQuery: URLSearchParams): Promise<Map<string, Set<string>>> {
  const seen = new Map<string, Set<string>>();
  for (const node of localCluster.nodes) {
    const base = `http://127.0.0.1:${node.spec.ports.prometheus}`;
    for (const url of [`${base}/metrics`, `${base}/metrics/detailed?${detailedQuery}`]) {
      const text = await (await fetch(url)).text();
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
        if (!match) continue;
        const labels = seen.get(match[1]!) ?? new Set<string>();
        for (const [, name] of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(name!);
        seen.set(match[1]!, labels);
      }
    }
  }
  return seen;
}
