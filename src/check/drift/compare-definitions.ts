/**
 * Drift: the live broker's definitions (what `GET /api/definitions` returns) against the
 * topology document, object by object, in the topology's vhosts: exchanges, queues (with
 * arguments), bindings, policies, users, permissions and topic permissions. Missing, extra and
 * different objects are each one finding. Pure: both documents in, findings out.
 *
 * Broker-internal objects are not drift: the default exchange and `amq.*` exchanges, server-named
 * `amq.*` queues, and the administrator the check runs as (RabbitMQ grants the creator of a vhost
 * full permissions on it).
 */
import type { SourceLocation } from '../../compiler/model.js';
import type { TopologyDocument } from '../../topology/types.js';
import type { Finding } from '../findings.js';
import { canonicalValue } from '../schema/resolve.js';

/** The parts of a RabbitMQ definitions export this comparison reads. */
export interface BrokerDefinitions {
  readonly vhosts?: ReadonlyArray<{ name: string }>;
  readonly users?: ReadonlyArray<{ name: string; tags?: string | string[] }>;
  readonly permissions?: ReadonlyArray<{ user: string; vhost: string; configure: string; write: string; read: string }>;
  readonly topic_permissions?: ReadonlyArray<{ user: string; vhost: string; exchange: string; write: string; read: string }>;
  readonly policies?: ReadonlyArray<{ vhost: string; name: string; pattern: string; 'apply-to'?: string; priority?: number; definition?: Record<string, unknown> }>;
  readonly exchanges?: ReadonlyArray<{ vhost: string; name: string; type: string; durable?: boolean; auto_delete?: boolean; internal?: boolean; arguments?: Record<string, unknown> }>;
  readonly queues?: ReadonlyArray<{ vhost: string; name: string; durable?: boolean; auto_delete?: boolean; arguments?: Record<string, unknown> }>;
  readonly bindings?: ReadonlyArray<{
    vhost: string;
    source: string;
    destination: string;
    destination_type: string;
    routing_key: string;
    arguments?: Record<string, unknown>;
  }>;
}

export interface DriftOptions {
  /** Prefix the topology was applied with (vhosts and users), as `applyTopology` takes it. */
  readonly namespace?: string;
  /** Users that are not drift wherever they appear: the administrator running the check. */
  readonly ignoreUsers?: readonly string[];
  /** Maps a drifted object of the topology to the contract line that implies it, when known. */
  readonly locate?: (hint: DriftHint) => SourceLocation | undefined;
}

/** What ties a topology object to the contracts (names as in the topology document). */
export interface DriftHint {
  readonly kind: DriftKind;
  /** The topology's vhost name (without namespace). */
  readonly vhost?: string;
  readonly name: string;
  /** The queue it is about (queues, bindings into queues, per-queue policies). */
  readonly queue?: string;
  /** The service it belongs to (users, permissions, retry and dead-letter exchanges). */
  readonly service?: string;
}

export type DriftKind = 'vhost' | 'exchange' | 'queue' | 'binding' | 'policy' | 'user' | 'permission' | 'topic-permission';

interface Described {
  readonly kind: DriftKind;
  readonly vhost?: string;
  readonly name: string;
  /** The fields compared for "different". */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly hint?: DriftHint;
}

const internalExchange = (name: string) => name === '' || name.startsWith('amq.');

export function compareDefinitions(topology: TopologyDocument, live: BrokerDefinitions, options: DriftOptions = {}): Finding[] {
  const ns = options.namespace ?? '';
  const ignoredUsers = new Set(options.ignoreUsers ?? []);
  // Topology vhost name → name on the broker.
  const vhostNames = new Map(topology.vhosts.map((v) => [v.name, `${ns}${v.name}`]));
  const liveVhostNames = new Set((live.vhosts ?? []).map((v) => v.name));
  const inScope = new Set([...vhostNames.values()].filter((v) => liveVhostNames.has(v)));
  const vh = (name: string) => vhostNames.get(name) ?? `${ns}${name}`;
  const user = (name: string) => `${ns}${name}`;
  const serviceOfUser = new Map(topology.users.map((u) => [u.name, u.service]));
  const findings: Finding[] = [];

  for (const [name, applied] of vhostNames) {
    if (!liveVhostNames.has(applied)) {
      const hint: DriftHint = { kind: 'vhost', name, service: topology.users.find((u) => u.vhost === name)?.service };
      findings.push(finding('missing', { kind: 'vhost', name: applied, fields: {}, hint }, options, `vhost ${applied} (system ${name}) is missing: every object in it is missing too`));
    }
  }

  const declared: Described[] = [
    ...topology.exchanges.map((e) => ({
      kind: 'exchange' as const,
      vhost: vh(e.vhost),
      name: e.name,
      fields: { type: e.type, durable: e.durable, auto_delete: e.autoDelete, internal: e.internal, arguments: {} },
      hint: { kind: 'exchange' as const, vhost: e.vhost, name: e.name, service: e.service },
    })),
    ...topology.queues.map((q) => ({
      kind: 'queue' as const,
      vhost: vh(q.vhost),
      name: q.name,
      fields: { durable: q.durable, auto_delete: q.autoDelete, arguments: q.arguments },
      hint: { kind: 'queue' as const, vhost: q.vhost, name: q.name, queue: q.name, service: q.service },
    })),
    ...topology.bindings.map((b) => ({
      kind: 'binding' as const,
      vhost: vh(b.vhost),
      name: bindingName(b.source, b.destinationType, b.destination, b.routingKey, b.arguments),
      fields: {},
      hint: { kind: 'binding' as const, vhost: b.vhost, name: b.source, ...(b.destinationType === 'queue' ? { queue: b.destination } : {}) },
    })),
    ...topology.policies.map((p) => ({
      kind: 'policy' as const,
      vhost: vh(p.vhost),
      name: p.name,
      fields: { pattern: p.pattern, 'apply-to': p.applyTo, priority: p.priority, definition: p.definition },
      hint: { kind: 'policy' as const, vhost: p.vhost, name: p.name, queue: anchoredName(p.pattern) },
    })),
    ...topology.users.map((u) => ({
      kind: 'user' as const,
      name: user(u.name),
      fields: { tags: [...u.tags].sort() },
      hint: { kind: 'user' as const, name: u.name, service: u.service },
    })),
    ...topology.permissions.map((p) => ({
      kind: 'permission' as const,
      vhost: vh(p.vhost),
      name: user(p.user),
      fields: { configure: p.configure, write: p.write, read: p.read },
      hint: { kind: 'permission' as const, vhost: p.vhost, name: p.user, service: serviceOfUser.get(p.user) },
    })),
    ...topology.topicPermissions.map((p) => ({
      kind: 'topic-permission' as const,
      vhost: vh(p.vhost),
      name: `${user(p.user)} on ${p.exchange}`,
      fields: { write: p.write, read: p.read },
      hint: { kind: 'topic-permission' as const, vhost: p.vhost, name: p.exchange, service: serviceOfUser.get(p.user) },
    })),
  ];
  // Objects of a missing vhost are not listed one by one: the vhost is the finding.
  const expected = declared.filter((d) => d.vhost === undefined || inScope.has(d.vhost));

  const expectedUsers = new Set(topology.users.map((u) => user(u.name)));
  // Users that matter: the topology's, and anyone holding permissions in its vhosts.
  const usersInScope = new Set([
    ...expectedUsers,
    ...(live.permissions ?? []).filter((p) => inScope.has(p.vhost)).map((p) => p.user),
    ...(live.topic_permissions ?? []).filter((p) => inScope.has(p.vhost)).map((p) => p.user),
  ]);
  const actual: Described[] = [
    ...(live.exchanges ?? [])
      .filter((e) => inScope.has(e.vhost) && !internalExchange(e.name))
      .map((e) => ({
        kind: 'exchange' as const,
        vhost: e.vhost,
        name: e.name,
        fields: { type: e.type, durable: e.durable ?? true, auto_delete: e.auto_delete ?? false, internal: e.internal ?? false, arguments: e.arguments ?? {} },
      })),
    ...(live.queues ?? [])
      .filter((q) => inScope.has(q.vhost) && !q.name.startsWith('amq.'))
      .map((q) => ({
        kind: 'queue' as const,
        vhost: q.vhost,
        name: q.name,
        fields: { durable: q.durable ?? true, auto_delete: q.auto_delete ?? false, arguments: q.arguments ?? {} },
      })),
    ...(live.bindings ?? [])
      .filter((b) => inScope.has(b.vhost) && b.source !== '')
      .map((b) => ({
        kind: 'binding' as const,
        vhost: b.vhost,
        name: bindingName(b.source, b.destination_type, b.destination, b.routing_key, b.arguments ?? {}),
        fields: {},
      })),
    ...(live.policies ?? [])
      .filter((p) => inScope.has(p.vhost))
      .map((p) => ({
        kind: 'policy' as const,
        vhost: p.vhost,
        name: p.name,
        fields: { pattern: p.pattern, 'apply-to': p['apply-to'] ?? 'all', priority: p.priority ?? 0, definition: p.definition ?? {} },
      })),
    ...(live.users ?? [])
      .filter((u) => usersInScope.has(u.name) && !ignoredUsers.has(u.name))
      .map((u) => ({ kind: 'user' as const, name: u.name, fields: { tags: tagList(u.tags) } })),
    ...(live.permissions ?? [])
      .filter((p) => inScope.has(p.vhost) && !ignoredUsers.has(p.user))
      .map((p) => ({
        kind: 'permission' as const,
        vhost: p.vhost,
        name: p.user,
        fields: { configure: p.configure, write: p.write, read: p.read },
      })),
    ...(live.topic_permissions ?? [])
      .filter((p) => inScope.has(p.vhost) && !ignoredUsers.has(p.user))
      .map((p) => ({
        kind: 'topic-permission' as const,
        vhost: p.vhost,
        name: `${p.user} on ${p.exchange}`,
        fields: { write: p.write, read: p.read },
      })),
  ];

  const key = (d: Described) => `${d.kind}\u0000${d.vhost ?? ''}\u0000${d.name}`;
  const actualByKey = new Map(actual.map((d) => [key(d), d]));
  const expectedKeys = new Set(expected.map(key));
  for (const want of expected) {
    const have = actualByKey.get(key(want));
    if (!have) {
      findings.push(finding('missing', want, options, `${describe(want)} is missing`));
      continue;
    }
    const differences = Object.keys(want.fields).filter((f) => canonicalValue(want.fields[f]) !== canonicalValue(have.fields[f]));
    if (differences.length > 0) {
      const detail = differences.map((f) => `${f}: expected ${canonicalValue(want.fields[f])}, found ${canonicalValue(have.fields[f])}`).join('; ');
      findings.push(
        finding('different', want, options, `${describe(want)} differs: ${detail}`, {
          expected: pick(want.fields, differences),
          actual: pick(have.fields, differences),
        }),
      );
    }
  }
  for (const have of actual) {
    if (expectedKeys.has(key(have))) continue;
    findings.push(finding('extra', have, options, `${describe(have)} is not in the topology`));
  }
  return findings;
}

function bindingName(source: string, destinationType: string, destination: string, routingKey: string, args: Record<string, unknown>): string {
  const extra = Object.keys(args).length > 0 ? ` ${canonicalValue(args)}` : '';
  return `${source} → ${destinationType} ${destination} [${routingKey}]${extra}`;
}

/** `^order\.payments$` → `order.payments`: the queue a per-queue policy is for. */
function anchoredName(pattern: string): string | undefined {
  const match = /^\^((?:[^\\^$.*+?()[\]{}|]|\\.)*)\$$/.exec(pattern);
  return match ? match[1]!.replace(/\\(.)/g, '$1') : undefined;
}

function tagList(tags: string | string[] | undefined): string[] {
  const list = Array.isArray(tags) ? tags : (tags ?? '').split(',');
  return list.map((t) => t.trim()).filter((t) => t.length > 0).sort();
}

function describe(d: Described): string {
  return `${d.kind} ${d.vhost !== undefined ? `${d.vhost}/` : ''}${d.name}`;
}

function pick(fields: Readonly<Record<string, unknown>>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, fields[k]]));
}

function finding(
  how: 'missing' | 'extra' | 'different',
  d: Described,
  options: DriftOptions,
  message: string,
  values: { expected?: unknown; actual?: unknown } = {},
): Finding {
  const location = d.hint ? options.locate?.(d.hint) : undefined;
  return {
    category: 'drift',
    rule: `drift-${how}`,
    severity: 'error',
    subject: describe(d),
    message,
    object: { kind: d.kind, ...(d.vhost !== undefined ? { vhost: d.vhost } : {}), name: d.name },
    help:
      how === 'extra'
        ? 'delete it from the broker, or declare what implies it in the contracts'
        : 'apply the topology document again (the Pulumi program, or `eventplane local-cluster` for a local broker)',
    ...(location ? { location } : {}),
    ...values,
  };
}
