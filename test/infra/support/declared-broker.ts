import type { ArgumentValue, TopologyDocument } from '../../../src/topology/types.js';
import { rabbitPasswordHash } from '../../../src/local-cluster/password-hash.js';
import type { Registration } from './program-under-mocks.js';
import { unwrapSecrets } from './secrets.js';

/**
 * The broker objects, in one normalised shape, from two sides: what the Pulumi program
 * declared through @pulumi/rabbitmq (as the provider will send it to the management API)
 * and what the topology document says. The tests compare the two one to one, and import
 * the declared side into a real cluster.
 */
export interface BrokerObjects {
  vhosts: string[];
  exchanges: Array<{ vhost: string; name: string; type: string; durable: boolean; auto_delete: boolean; internal: boolean; arguments: Record<string, ArgumentValue> }>;
  queues: Array<{ vhost: string; name: string; durable: boolean; auto_delete: boolean; arguments: Record<string, ArgumentValue> }>;
  bindings: Array<{ vhost: string; source: string; destination: string; destination_type: string; routing_key: string; arguments: Record<string, ArgumentValue> }>;
  policies: Array<{ vhost: string; name: string; pattern: string; 'apply-to': string; priority: number; definition: Record<string, ArgumentValue> }>;
  users: Array<{ name: string; tags: string[] }>;
  permissions: Array<{ user: string; vhost: string; configure: string; write: string; read: string }>;
  topic_permissions: Array<{ user: string; vhost: string; exchange: string; write: string; read: string }>;
}

const TYPE = {
  vhost: 'rabbitmq:index/vHost:VHost',
  exchange: 'rabbitmq:index/exchange:Exchange',
  queue: 'rabbitmq:index/queue:Queue',
  binding: 'rabbitmq:index/binding:Binding',
  policy: 'rabbitmq:index/policy:Policy',
  user: 'rabbitmq:index/user:User',
  permissions: 'rabbitmq:index/permissions:Permissions',
  topicPermissions: 'rabbitmq:index/topicPermissions:TopicPermissions',
} as const;

export const BROKER_RESOURCE_TYPES: readonly string[] = Object.values(TYPE);

/**
 * What terraform-provider-rabbitmq (which @pulumi/rabbitmq bridges) does to a policy value
 * before PUTting it: a string that parses as a 64-bit integer becomes a number, anything
 * else stays a string.
 */
export function providerPolicyValue(value: string): ArgumentValue {
  return /^[-+]?[0-9]+$/.test(value) ? Number(value) : value;
}

type Inputs = Record<string, any>;

function inputsOf(registrations: readonly Registration[], type: string): Inputs[] {
  return registrations.filter((r) => r.type === type).map((r) => unwrapSecrets<Inputs>(r.inputs));
}

/** The broker objects as @pulumi/rabbitmq will create them, passwords included (for the boot test). */
export function declaredBroker(registrations: readonly Registration[]): BrokerObjects & { passwords: Map<string, string> } {
  const parseArguments = (json: string | undefined, map: Record<string, string> | undefined) =>
    json ? (JSON.parse(json) as Record<string, ArgumentValue>) : { ...(map ?? {}) };
  const users = inputsOf(registrations, TYPE.user);
  return {
    vhosts: inputsOf(registrations, TYPE.vhost).map((v) => v.name),
    exchanges: inputsOf(registrations, TYPE.exchange).map((e) => ({
      vhost: e.vhost,
      name: e.name,
      type: e.settings.type,
      // The provider's defaults when a setting is left out: not durable, not auto-deleted.
      durable: e.settings.durable ?? false,
      auto_delete: e.settings.autoDelete ?? false,
      internal: false,
      arguments: { ...(e.settings.arguments ?? {}) },
    })),
    queues: inputsOf(registrations, TYPE.queue).map((q) => ({
      vhost: q.vhost,
      name: q.name,
      durable: q.settings.durable ?? false,
      auto_delete: q.settings.autoDelete ?? false,
      arguments: parseArguments(q.settings.argumentsJson, q.settings.arguments),
    })),
    bindings: inputsOf(registrations, TYPE.binding).map((b) => ({
      vhost: b.vhost,
      source: b.source,
      destination: b.destination,
      destination_type: b.destinationType,
      routing_key: b.routingKey ?? '',
      arguments: parseArguments(b.argumentsJson, b.arguments),
    })),
    policies: inputsOf(registrations, TYPE.policy).map((p) => ({
      vhost: p.vhost,
      name: p.name,
      pattern: p.policy.pattern,
      'apply-to': p.policy.applyTo,
      priority: p.policy.priority,
      definition: Object.fromEntries(Object.entries(p.policy.definition as Record<string, string>).map(([k, v]) => [k, providerPolicyValue(v)])),
    })),
    users: users.map((u) => ({ name: u.name, tags: [...(u.tags ?? [])] })),
    passwords: new Map(users.map((u) => [u.name as string, u.password as string])),
    permissions: inputsOf(registrations, TYPE.permissions).map((p) => ({
      user: p.user,
      vhost: p.vhost,
      configure: p.permissions.configure,
      write: p.permissions.write,
      read: p.permissions.read,
    })),
    topic_permissions: inputsOf(registrations, TYPE.topicPermissions).flatMap((t) =>
      (t.permissions as Inputs[]).map((p) => ({ user: t.user, vhost: t.vhost, exchange: p.exchange, write: p.write, read: p.read })),
    ),
  };
}

/** The same objects as the topology document declares them. */
export function documentBroker(topology: TopologyDocument): BrokerObjects {
  return {
    vhosts: topology.vhosts.map((v) => v.name),
    exchanges: topology.exchanges.map((e) => ({
      vhost: e.vhost,
      name: e.name,
      type: e.type,
      durable: e.durable,
      auto_delete: e.autoDelete,
      internal: e.internal,
      arguments: {},
    })),
    queues: topology.queues.map((q) => ({ vhost: q.vhost, name: q.name, durable: q.durable, auto_delete: q.autoDelete, arguments: { ...q.arguments } })),
    bindings: topology.bindings.map((b) => ({
      vhost: b.vhost,
      source: b.source,
      destination: b.destination,
      destination_type: b.destinationType,
      routing_key: b.routingKey,
      arguments: { ...b.arguments },
    })),
    policies: topology.policies.map((p) => ({
      vhost: p.vhost,
      name: p.name,
      pattern: p.pattern,
      'apply-to': p.applyTo,
      priority: p.priority,
      definition: { ...p.definition },
    })),
    users: topology.users.map((u) => ({ name: u.name, tags: [...u.tags] })),
    permissions: topology.permissions.map((p) => ({ user: p.user, vhost: p.vhost, configure: p.configure, write: p.write, read: p.read })),
    topic_permissions: topology.topicPermissions.map((t) => ({ user: t.user, vhost: t.vhost, exchange: t.exchange, write: t.write, read: t.read })),
  };
}

/** Every list sorted by its JSON, so two sides compare regardless of declaration order. */
export function sorted(objects: BrokerObjects): BrokerObjects {
  const sort = <T>(list: T[]) => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    vhosts: sort(objects.vhosts),
    exchanges: sort(objects.exchanges),
    queues: sort(objects.queues),
    bindings: sort(objects.bindings),
    policies: sort(objects.policies),
    users: sort(objects.users),
    permissions: sort(objects.permissions),
    topic_permissions: sort(objects.topic_permissions),
  };
}

/**
 * A RabbitMQ definitions document of the declared objects, for a real broker's import.
 * Users carry a salted hash of the password the program generated, never the password.
 */
export function definitionsDocument(declared: ReturnType<typeof declaredBroker>) {
  return {
    vhosts: declared.vhosts.map((name) => ({ name })),
    exchanges: declared.exchanges,
    queues: declared.queues,
    bindings: declared.bindings,
    policies: declared.policies,
    users: declared.users.map((u) => ({
      name: u.name,
      password_hash: rabbitPasswordHash(declared.passwords.get(u.name) ?? ''),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: u.tags,
      limits: {},
    })),
    permissions: declared.permissions,
    topic_permissions: declared.topic_permissions,
  };
}
