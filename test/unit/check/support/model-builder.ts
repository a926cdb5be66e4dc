/**
 * Hand-built contract models and topologies for unit tests of the routing simulation: small
 * enough to read, shaped like what the compiler produces.
 */
import type { ChannelModel, ContractModel, ExchangeKind, JsonSchema, MessageModel, OperationModel, ServiceModel } from '../../../../src/compiler/model.js';
import type { TopologyBinding, TopologyDocument, TopologyExchange, TopologyQueue } from '../../../../src/topology/types.js';

export interface SendSpec {
  readonly address: string;
  readonly exchange: string;
  readonly exchangeType?: ExchangeKind;
  /** Message name → version (default 1.0.0). */
  readonly messages: Record<string, string>;
  /** false: the channel exists but no send operation uses it. */
  readonly sent?: boolean;
  readonly payload?: JsonSchema;
}

export interface ReceiveSpec {
  /** `service#channelKey` of the producer's channel. */
  readonly channel: string;
  readonly messages: readonly string[];
  readonly queue?: string;
}

export interface ServiceSpec {
  readonly sends?: Record<string, SendSpec>;
  readonly receives?: Record<string, ReceiveSpec>;
}

const loc = (file: string, line = 1) => ({ file, line, column: 1 });

export function buildModel(system: string, services: Record<string, ServiceSpec>): ContractModel {
  const channels: ChannelModel[] = [];
  const messages: MessageModel[] = [];
  const operations: OperationModel[] = [];
  const serviceModels: ServiceModel[] = [];
  const exchanges = new Map<string, { type: ExchangeKind; channels: string[] }>();
  let line = 1;
  for (const [name, spec] of Object.entries(services)) {
    const id = `${system}/${name}`;
    const file = `asyncapi/${system}/${name}.yaml`;
    const sends: string[] = [];
    const receives: string[] = [];
    for (const [key, send] of Object.entries(spec.sends ?? {})) {
      const channelId = `${id}#${key}`;
      const type = send.exchangeType ?? 'topic';
      const messageIds = Object.keys(send.messages).map((m) => `${system}/${m}`);
      channels.push({
        id: channelId,
        key,
        system,
        owner: id,
        address: send.address,
        exchange: send.exchange,
        exchangeType: type,
        messages: messageIds,
        location: loc(file, line++),
      });
      const exchange = exchanges.get(send.exchange) ?? { type, channels: [] };
      exchange.channels.push(channelId);
      exchanges.set(send.exchange, exchange);
      for (const [messageName, version] of Object.entries(send.messages)) {
        messages.push({
          id: `${system}/${messageName}`,
          system,
          name: messageName,
          version,
          type: `${system}.${messageName}`,
          contentType: 'application/json',
          channel: channelId,
          owner: id,
          payload: send.payload ?? { type: 'object' },
          examples: [],
          tags: [],
          location: loc(file, line++),
        });
      }
      if (send.sent !== false) {
        const opKey = `publish${key[0]!.toUpperCase()}${key.slice(1)}`;
        operations.push({ id: `${id}#${opKey}`, key: opKey, service: id, action: 'send', channel: channelId, messages: messageIds, location: loc(file, line++) });
        sends.push(`${id}#${opKey}`);
      }
    }
    for (const [key, receive] of Object.entries(spec.receives ?? {})) {
      const [owner, channelKey] = receive.channel.split('#');
      const channelId = `${system}/${owner}#${channelKey}`;
      const queue = receive.queue ?? `${name}.${key}`;
      operations.push({
        id: `${id}#${key}`,
        key,
        service: id,
        action: 'receive',
        channel: channelId,
        messages: receive.messages.map((m) => `${system}/${m}`),
        location: loc(file, line++),
        queue: { name: queue, type: 'quorum', overflow: 'reject-publish', deliveryLimit: 10, prefetch: 50, concurrency: 10, depthAlert: 1000, maxLength: 100000 },
        retry: { retries: 5, initialDelayMs: 1000, maxDelayMs: 300000, multiplier: 4.16, delaysMs: [1000, 4163, 17329, 72130, 300000] },
        deadLetter: { queue: `${queue}.dlq`, maxLength: 1000000, warnAt: 1, pageAt: 100 },
      });
      receives.push(`${id}#${key}`);
    }
    serviceModels.push({
      id,
      system,
      name,
      owner: 'team',
      version: '1.0.0',
      file,
      location: loc(file),
      sends,
      receives,
      brokerUser: `${system}-${name}`,
      tags: [],
    });
  }
  const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);
  return {
    specDir: 'asyncapi',
    envelope: { headers: { type: 'object' } },
    systems: [
      {
        name: system,
        vhost: system,
        services: serviceModels.sort(byId),
        exchanges: [...exchanges].map(([name, e]) => ({ vhost: system, name, type: e.type, durable: true, autoDelete: false, channels: e.channels })),
        channels: channels.sort(byId),
        messages: messages.sort(byId),
        operations: operations.sort(byId),
      },
    ],
  };
}

/**
 * The consumer part of a topology as the platform's conventions describe it (CONTRACTS.md):
 * one queue per receive queue name, bound with the channel's address. Extra bindings let a
 * test add wildcard or stray keys.
 */
export function buildTopology(model: ContractModel, extraBindings: Array<Omit<TopologyBinding, 'arguments' | 'destinationType'>> = []): TopologyDocument {
  const exchanges: TopologyExchange[] = [];
  const queues = new Map<string, TopologyQueue>();
  const bindings: TopologyBinding[] = [];
  for (const system of model.systems) {
    for (const e of system.exchanges) {
      exchanges.push({ vhost: system.vhost, name: e.name, type: e.type, durable: true, autoDelete: false, internal: false, role: e.type === 'topic' ? 'events' : 'commands' });
    }
    const channels = new Map(system.channels.map((c) => [c.id, c]));
    for (const op of system.operations) {
      if (op.action !== 'receive' || !op.queue) continue;
      const channel = channels.get(op.channel)!;
      const existing = queues.get(op.queue.name);
      queues.set(op.queue.name, {
        vhost: system.vhost,
        name: op.queue.name,
        type: 'quorum',
        durable: true,
        autoDelete: false,
        arguments: { 'x-queue-type': 'quorum' },
        role: 'consumer',
        service: op.service,
        operations: [...(existing?.operations ?? []), op.id],
        alerts: {},
      });
      bindings.push({ vhost: system.vhost, source: channel.exchange, destination: op.queue.name, destinationType: 'queue', routingKey: channel.address, arguments: {} });
    }
  }
  for (const b of extraBindings) bindings.push({ ...b, destinationType: 'queue', arguments: {} });
  return {
    formatVersion: 1,
    vhosts: model.systems.map((s) => ({ name: s.vhost, system: s.name })),
    exchanges,
    queues: [...queues.values()],
    bindings,
    policies: [],
    users: [],
    permissions: [],
    topicPermissions: [],
  };
}
