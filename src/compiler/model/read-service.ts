/**
 * Reads one service document: its info, the channels it owns or references, and (in a second
 * pass, once every document's channels are known) its operations.
 */
import { basename } from 'node:path';
import type { DiagnosticSink, Position } from '../diagnostics.js';
import type { ServiceFile } from '../load/discover.js';
import { isRecord, parsePointer, refOf, type PathSegment } from '../load/pointer.js';
import { nodeKey, type Located, type SourceSet } from '../load/sources.js';
import type { SourceFile } from '../load/source.js';
import type { ChannelParameterModel } from '../model.js';
import type { ChannelDraft, ChannelEntry, ExchangeDraft, OperationDraft, ServiceDraft } from './drafts.js';
import { checkExtensions } from './extensions.js';
import { directReplyToChannel, readReply } from './read-reply.js';
import { deadLetterPolicy, durationMs, queuePolicy, retryPolicy } from './policies.js';
import { entries, tagNames, text } from './values.js';

export interface ReadContext {
  readonly sources: SourceSet;
  readonly sink: DiagnosticSink;
  /** Service documents by absolute path. */
  readonly services: ReadonlyMap<string, ServiceFile>;
}

/** AsyncAPI versions read natively (2.x documents arrive converted, see load/convert-v2.ts). */
const NATIVE_VERSION = /^3\.[01]\.\d+$/;

export function readService(file: ServiceFile, source: SourceFile, ctx: ReadContext): ServiceDraft | undefined {
  const { sink } = ctx;
  const doc = source.value;
  const top: Position = { file: source.file, line: 1, column: 1 };
  if (!isRecord(doc)) {
    if (!source.broken) sink.error(top, 'not an AsyncAPI document: expected a mapping at the top level', 'ep-asyncapi');
    return undefined;
  }
  const version = doc.asyncapi;
  if (typeof version !== 'string' || !NATIVE_VERSION.test(version)) {
    sink.error(
      source.locate(['asyncapi']),
      `eventplane reads AsyncAPI 3.0 and 3.1 documents (2.0–2.6 are converted); this one says asyncapi: ${JSON.stringify(version ?? null)}`,
      'ep-asyncapi',
    );
    return undefined;
  }
  checkExtensions('document', source, [], doc, sink);
  const info = isRecord(doc.info) ? doc.info : {};
  checkExtensions('info', source, ['info'], info, sink);
  const name = serviceName(file, source, text(info.title), sink);
  const owner = text(info['x-owner']);
  if (owner === undefined && info['x-owner'] === undefined) {
    sink.error(source.locate(['info'], 'key'), 'info.x-owner is required: the team that owns this contract', 'ep-owner');
  }
  const service: ServiceDraft = {
    id: `${file.system}/${name}`,
    system: file.system,
    name,
    source,
    location: source.locate(['info'], 'key'),
    ...(text(info.description) !== undefined ? { description: text(info.description)! } : {}),
    ...(owner !== undefined ? { owner } : {}),
    version: text(info.version) ?? '0.0.0',
    tags: tagNames(info.tags),
    channels: new Map(),
    operations: [],
  };
  for (const [key, value] of entries(doc.channels)) {
    const entry = readChannelEntry(service, key, { source, path: ['channels', key], value }, ctx);
    if (entry) service.channels.set(key, entry);
  }
  return service;
}

/**
 * The service's name, which names its queues, broker user and client module: `info.title` in
 * kebab-case (`Account Service` → `account-service`), the file name when there is no title. The
 * house profile wants the title to be the file name itself (ep-service-name).
 */
function serviceName(file: ServiceFile, source: SourceFile, title: string | undefined, sink: DiagnosticSink): string {
  const fileName = basename(source.absPath);
  const name = kebabCase(title ?? file.service) || kebabCase(file.service) || 'service';
  if (title !== undefined && name !== file.service) {
    const derived = name === file.service ? '' : `; the service is named ${name} after the title`;
    sink.error(source.locate(['info', 'title']), `info.title is "${title}" but the file is ${fileName}: the service name is the file name${derived}`, 'ep-service-name');
  } else if (title === undefined && !/^[a-z][a-z0-9-]*$/.test(file.service)) {
    sink.error(
      { file: source.file, line: 1, column: 1 },
      `service name "${file.service}" must be kebab-case (a-z, 0-9, -): it names queues and broker users; it is read as ${name}`,
      'ep-service-name',
    );
  }
  return name;
}

/** `RPC Server Example` → `rpc-server-example`; a leading digit gets an `s-` prefix. */
export function kebabCase(value: string): string {
  const words = value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const name = words.join('-');
  return /^[0-9]/.test(name) ? `s-${name}` : name;
}

/** True when `node` is the `channels.<key>` entry of a service document. */
function serviceChannel(node: Located, ctx: ReadContext): string | undefined {
  return ctx.services.has(node.source.absPath) && node.path.length === 2 && node.path[0] === 'channels' ? String(node.path[1]) : undefined;
}

function readChannelEntry(service: ServiceDraft, key: string, entry: Located, ctx: ReadContext): ChannelEntry | undefined {
  const { sources } = ctx;
  // Follow the chain one reference at a time: it either reaches another service's channel
  // (this service only references it) or a definition this service owns.
  let node: Located = entry;
  const seen = new Set<string>();
  for (;;) {
    const ref = refOf(node.value);
    if (ref === undefined) break;
    const at = node.source.locate([...node.path, '$ref'], 'value');
    if (seen.has(nodeKey(node))) {
      ctx.sink.error(at, `$ref "${ref}" refers to itself through a chain of references`, 'ep-ref');
      return undefined;
    }
    seen.add(nodeKey(node));
    const next = sources.resolveRef(node.source, ref, at);
    if (!next) return undefined;
    const owned = serviceChannel(next, ctx);
    if (owned !== undefined && next.source !== service.source) {
      return { kind: 'alias', file: next.source.absPath, key: owned, at: entry.source.locate(['channels', key], 'key') };
    }
    node = next;
  }
  return { kind: 'own', channel: readChannel(service, key, node, ctx) };
}

function readChannel(service: ServiceDraft, key: string, node: Located, ctx: ReadContext): ChannelDraft {
  const { sink } = ctx;
  const source = node.source;
  const channel = isRecord(node.value) ? node.value : {};
  checkExtensions('channel', source, node.path, channel, sink);
  const at = (path: readonly PathSegment[], part: 'key' | 'value' = 'value') => source.locate([...node.path, ...path], part);
  const location = service.source.locate(['channels', key], 'key');
  if (channel.address === null) return directReplyToChannel(service, key, node, channel, location);
  const written = typeof channel.address === 'string' ? channel.address : undefined;
  if (written === undefined) {
    sink.error(location, `channel ${key} has no address: its routing key is the channel key, ${key}`, 'ep-routing-key');
  }
  const routing = readRouting(service, key, node, ctx, location);
  const parameters = readParameters(written ?? key, node, ctx);
  const mapped = routing.otherProtocols ? (written ?? key) : routingKeyOf(written ?? key, routing);
  // An address that maps to no key at all (`/`) leaves the channel key as the routing key.
  const address = mapped === '' && written !== '' ? key : mapped;
  return {
    id: `${service.id}#${key}`,
    key,
    system: service.system,
    owner: service,
    node,
    address,
    ...(routing.exchange ? { exchange: routing.exchange } : {}),
    parameters,
    ...(routing.queue !== undefined ? { queue: routing.queue } : {}),
    ...(routing.otherProtocols ? { otherProtocols: routing.otherProtocols } : {}),
    ...(text(channel.title) !== undefined ? { title: text(channel.title)! } : {}),
    ...(text(channel.description) !== undefined ? { description: text(channel.description)! } : {}),
    location,
    addressAt: written !== undefined ? at(['address']) : location,
    bindingAt: isRecord(channel.bindings) ? at(['bindings']) : location,
    messages: [],
  };
}

/**
 * The routing key an address becomes. AMQP topic keys are dot-separated words, so a
 * `/`-separated address (the MQTT and HTTP habit: `smartylighting/streetlights/{id}/measured`)
 * has its segments turned into words (`smartylighting.streetlights.{id}.measured`); on other
 * exchange types the key is compared whole and kept as written. An `is: queue` channel's key is
 * its queue's name.
 */
function routingKeyOf(address: string, routing: Routing): string {
  if (routing.queue !== undefined) return routing.queue;
  if (routing.exchange?.type === 'topic') return address.replace(/^\/+|\/+$/g, '').replace(/\/+/g, '.');
  return address;
}

const PARAMETER = /\{([^{}]+)\}/g;

function readParameters(address: string, node: Located, ctx: ReadContext): ChannelParameterModel[] {
  const channel = isRecord(node.value) ? node.value : {};
  const declared = isRecord(channel.parameters) ? channel.parameters : {};
  const names = [...new Set([...address.matchAll(PARAMETER)].map((m) => m[1]!))];
  return names.map((name) => {
    const raw = declared[name];
    const param = raw === undefined ? undefined : ctx.sources.deref({ source: node.source, path: [...node.path, 'parameters', name], value: raw });
    const value = param && isRecord(param.value) ? param.value : {};
    const values = Array.isArray(value.enum) ? value.enum.filter((v): v is string => typeof v === 'string') : [];
    return {
      name,
      ...(text(value.description) !== undefined ? { description: text(value.description)! } : {}),
      ...(values.length > 0 ? { enum: values } : {}),
    };
  });
}

interface Routing {
  readonly exchange?: ExchangeDraft;
  readonly queue?: string;
  readonly otherProtocols?: readonly string[];
}

const EXCHANGE_TYPES = new Set(['topic', 'direct', 'fanout', 'headers']);
const AMQP_PROTOCOLS = new Set(['amqp', 'amqps']);

/** The exchange a channel without an amqp binding is published to (docs/CONTRACTS.md). */
export function defaultExchange(system: string): ExchangeDraft {
  return { name: `${system}.events`, type: 'topic', durable: true, autoDelete: false };
}

/** The channel's AMQP routing: from its amqp binding, or the documented default without one. */
function readRouting(service: ServiceDraft, key: string, node: Located, ctx: ReadContext, location: Position): Routing {
  const { sink, sources } = ctx;
  const channel = isRecord(node.value) ? node.value : {};
  const bindingsNode = channel.bindings === undefined ? undefined : sources.deref({ source: node.source, path: [...node.path, 'bindings'], value: channel.bindings });
  const bindings = bindingsNode && isRecord(bindingsNode.value) ? bindingsNode.value : {};
  if (!bindingsNode || bindings.amqp === undefined) {
    const others = Object.keys(bindings).filter((k) => !k.startsWith('x-') && !AMQP_PROTOCOLS.has(k));
    const servers = serverProtocols(service.source.value);
    const nonAmqp = others.length > 0 ? others : servers.length > 0 && !servers.some((p) => AMQP_PROTOCOLS.has(p)) ? servers : [];
    if (nonAmqp.length > 0) return { otherProtocols: [...new Set(nonAmqp)].sort() };
    const exchange = defaultExchange(service.system);
    sink.error(location, `channel ${key} has no amqp binding: it is published to the ${exchange.type} exchange ${exchange.name} (the default)`, 'ep-amqp-binding');
    return { exchange };
  }
  const amqpNode = sources.deref({ source: bindingsNode.source, path: [...bindingsNode.path, 'amqp'], value: bindings.amqp });
  if (!amqpNode) return {};
  const amqp = isRecord(amqpNode.value) ? amqpNode.value : {};
  const at = (...path: PathSegment[]) => amqpNode.source.locate([...amqpNode.path, ...path]);
  if (amqp.is === 'queue') {
    const queue = isRecord(amqp.queue) ? text(amqp.queue.name) : undefined;
    const address = typeof channel.address === 'string' ? channel.address : key;
    return { exchange: { name: '', type: 'direct', durable: true, autoDelete: false }, queue: queue ?? address };
  }
  if (amqp.is !== undefined && amqp.is !== 'routingKey') {
    sink.error(at('is'), `bindings.amqp.is must be "routingKey" or "queue"`, 'ep-amqp-binding-invalid');
    return {};
  }
  const exchange = isRecord(amqp.exchange) ? amqp.exchange : undefined;
  const fallback = defaultExchange(service.system);
  if (!exchange) {
    sink.error(at(), `bindings.amqp.exchange is not given: the channel is published to the ${fallback.type} exchange ${fallback.name} (the default)`, 'ep-amqp-binding');
    return { exchange: fallback };
  }
  let ok = true;
  const type = exchange.type === undefined ? 'topic' : exchange.type;
  if (exchange.type === undefined) sink.error(at('exchange'), 'bindings.amqp.exchange.type is not given: topic is assumed', 'ep-amqp-binding');
  if (type === 'default') return { exchange: { name: '', type: 'direct', durable: true, autoDelete: false } };
  if (typeof type !== 'string' || !EXCHANGE_TYPES.has(type)) {
    sink.error(at('exchange', 'type'), `bindings.amqp.exchange.type "${String(type)}" cannot be bound: use topic, direct, fanout, headers or default`, 'ep-amqp-binding-invalid');
    ok = false;
  }
  const name = text(exchange.name) ?? fallback.name;
  if (text(exchange.name) === undefined) sink.error(at('exchange'), `bindings.amqp.exchange.name is not given: ${name} is assumed`, 'ep-amqp-binding');
  else if (name.startsWith('amq.')) {
    sink.error(at('exchange', 'name'), `exchange "${name}": names starting with "amq." are reserved by RabbitMQ`, 'ep-amqp-binding-invalid');
    ok = false;
  }
  if (exchange.vhost !== undefined && exchange.vhost !== service.system) {
    sink.error(at('exchange', 'vhost'), `bindings.amqp.exchange.vhost is "${String(exchange.vhost)}" but this system's vhost is "${service.system}"`, 'ep-amqp-binding-invalid');
    ok = false;
  }
  if (exchange.durable === false) {
    sink.error(at('exchange', 'durable'), 'exchanges must be durable: a broker restart would lose them (it is declared durable)', 'ep-amqp-binding');
  }
  if (exchange.autoDelete === true) {
    sink.error(at('exchange', 'autoDelete'), 'exchanges must not auto-delete: the last unbinding would remove them (it is declared without auto-delete)', 'ep-amqp-binding');
  }
  if (!ok) return {};
  return { exchange: { name, type: type as ExchangeDraft['type'], durable: true, autoDelete: false } };
}

/** The protocols of the document's servers (`servers.<name>.protocol`). */
function serverProtocols(doc: unknown): string[] {
  if (!isRecord(doc) || !isRecord(doc.servers)) return [];
  return Object.values(doc.servers)
    .map((server) => (isRecord(server) && typeof server.protocol === 'string' ? server.protocol.toLowerCase() : undefined))
    .filter((p): p is string => p !== undefined);
}

/**
 * The operations of a service. Runs after every document's channels and messages are read, so
 * a receive can be traced to the producer's channel.
 */
export function readOperations(
  service: ServiceDraft,
  ctx: ReadContext,
  channelOf: (file: string, key: string) => ChannelDraft | undefined,
  messageOf: (node: Located) => string | undefined,
): void {
  const { sink, sources } = ctx;
  const doc = service.source.value as Record<string, unknown>;
  for (const [key, raw] of entries(doc.operations)) {
    const entryPath = ['operations', key];
    const node = sources.deref({ source: service.source, path: entryPath, value: raw });
    if (!node || !isRecord(node.value)) continue;
    const op = node.value;
    const location = service.source.locate(entryPath, 'key');
    const at = (...path: PathSegment[]) => node.source.locate([...node.path, ...path]);
    const extensionsOk = checkExtensions('operation', node.source, node.path, op, sink);
    const action = op.action;
    if (action !== 'send' && action !== 'receive') continue; // the parser reports it
    const channel = resolveOperationChannel(service, node, ctx, channelOf);
    const messages: string[] = [];
    if (Array.isArray(op.messages)) {
      op.messages.forEach((m, i) => {
        const target = sources.deref({ source: node.source, path: [...node.path, 'messages', i], value: m });
        if (!target) return;
        const id = messageOf(target);
        if (id === undefined) {
          sink.error(at('messages', i), 'this message is not one of the messages of a channel any service owns', 'ep-operation-message');
        } else if (channel && !channel.messages.includes(id)) {
          sink.error(at('messages', i), `message ${id.split('/')[1]} is not carried by channel ${channel.key}`, 'ep-operation-message');
        } else messages.push(id);
      });
    } else if (channel) {
      messages.push(...channel.messages);
    }
    const reply = op.reply === undefined ? undefined : readReply({ source: node.source, path: [...node.path, 'reply'], value: op.reply }, ctx, (holder) => resolveOperationChannel(service, holder, ctx, channelOf), messageOf);
    const base: OperationDraft = {
      id: `${service.id}#${key}`,
      key,
      service,
      action,
      ...(channel ? { channel: channel.id } : {}),
      messages: [...new Set(messages)].sort(),
      ...(text(op.title) !== undefined ? { title: text(op.title)! } : {}),
      ...(text(op.summary) !== undefined ? { summary: text(op.summary)! } : {}),
      ...(text(op.description) !== undefined ? { description: text(op.description)! } : {}),
      location,
      queueAt: op['x-queue'] !== undefined ? at('x-queue') : location,
      ...(reply ? { reply } : {}),
    };
    if (action === 'send') {
      for (const ext of ['x-queue', 'x-retry', 'x-dead-letter', 'x-bind']) {
        if (op[ext] !== undefined) sink.error(node.source.locate([...node.path, ext], 'key'), `${ext} applies to receive operations only`, 'ep-extension');
      }
      // An `is: queue` channel is a work queue its consumer declares: others send to it.
      if (channel && channel.owner !== service && channel.queue === undefined) {
        sink.error(
          at('channel'),
          `${service.name} sends to channel ${channel.key} of ${channel.owner.name}: a service sends only to channels it owns, so each routing key has one sender`,
          'ep-single-sender',
        );
      }
      service.operations.push(base);
      continue;
    }
    checkPolicies(op, node, sink);
    if (!extensionsOk) {
      service.operations.push(base);
      continue;
    }
    // An `is: queue` channel names its queue; otherwise the service's queue is named after the
    // routing key (parameters by name: `{id}` → `id`).
    const queue = queuePolicy(op['x-queue'], channel?.queue ?? `${service.name}.${(channel?.address ?? key).replace(/[{}]/g, '')}`);
    const retry = retryPolicy(op['x-retry']);
    const deadLetter = deadLetterPolicy(op['x-dead-letter'], queue.name);
    const bind = channel ? readBind(op['x-bind'], channel, at, sink) : undefined;
    service.operations.push({ ...base, queue, retry, deadLetter, ...(bind ? { bind } : {}) });
  }
}

/**
 * `x-bind` of a receive (schema-checked already): the values a consumer asks for, by parameter
 * of its channel. Each must name a parameter of the channel and, where the parameter lists its
 * values (`enum`), be one of them.
 */
function readBind(
  raw: unknown,
  channel: ChannelDraft,
  at: (...path: PathSegment[]) => Position,
  sink: DiagnosticSink,
): Readonly<Record<string, readonly string[]>> | undefined {
  if (!isRecord(raw)) return undefined;
  const bind: Record<string, readonly string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    const parameter = channel.parameters.find((p) => p.name === name);
    if (parameter === undefined) {
      const known = channel.parameters.map((p) => p.name);
      sink.error(
        at('x-bind', name),
        `x-bind names ${name}, which is no parameter of channel ${channel.key}${known.length > 0 ? ` (it has ${known.join(', ')})` : ' (it has none)'}`,
        'ep-extension',
      );
      continue;
    }
    const values = (Array.isArray(value) ? value : [value]).map(String);
    const unknown = parameter.enum ? values.filter((v) => !parameter.enum!.includes(v)) : [];
    if (unknown.length > 0) {
      sink.error(at('x-bind', name), `x-bind.${name}: ${unknown.join(', ')} is not a value of parameter ${name} (${parameter.enum!.join(', ')})`, 'ep-extension');
      continue;
    }
    bind[name] = values;
  }
  return Object.keys(bind).length > 0 ? bind : undefined;
}

function checkPolicies(op: Record<string, unknown>, node: Located, sink: DiagnosticSink): void {
  const at = (...path: PathSegment[]) => node.source.locate([...node.path, ...path]);
  const retry = isRecord(op['x-retry']) ? op['x-retry'] : {};
  const initial = durationMs(retry.initialDelay);
  const max = durationMs(retry.maxDelay);
  if (initial !== undefined && max !== undefined && max < initial) {
    sink.error(at('x-retry', 'maxDelay'), 'x-retry.maxDelay must not be shorter than initialDelay', 'ep-extension');
  } else if (initial !== undefined && max === undefined && initial > 300_000) {
    sink.error(at('x-retry', 'initialDelay'), 'x-retry.initialDelay is longer than the default maxDelay (5m): set maxDelay too', 'ep-extension');
  } else if (max !== undefined && initial === undefined && max < 1000) {
    sink.error(at('x-retry', 'maxDelay'), 'x-retry.maxDelay is shorter than the default initialDelay (1s): set initialDelay too', 'ep-extension');
  }
  const dlq = isRecord(op['x-dead-letter']) ? op['x-dead-letter'] : {};
  if (typeof dlq.warnAt === 'number' && typeof dlq.pageAt === 'number' && dlq.pageAt < dlq.warnAt) {
    sink.error(at('x-dead-letter', 'pageAt'), 'x-dead-letter.pageAt must not be below warnAt', 'ep-extension');
  }
  const queue = isRecord(op['x-queue']) ? op['x-queue'] : {};
  if (queue.type === 'classic' && queue.deliveryLimit !== undefined) {
    sink.error(at('x-queue', 'deliveryLimit'), 'deliveryLimit needs a quorum queue: classic queues cannot count redeliveries', 'ep-extension');
  }
  if (queue.overflow === 'reject-publish-dlx') {
    sink.warning(
      at('x-queue', 'overflow'),
      'reject-publish-dlx makes dead-lettering at-most-once (RabbitMQ needs reject-publish for at-least-once)',
      'ep-extension',
    );
  }
}

/** The channel `node.value.channel` references (an operation, or an operation's `reply`). */
export function resolveOperationChannel(
  service: ServiceDraft,
  node: Located,
  ctx: ReadContext,
  channelOf: (file: string, key: string) => ChannelDraft | undefined,
): ChannelDraft | undefined {
  const op = node.value as Record<string, unknown>;
  const ref = refOf(op.channel);
  if (ref === undefined) return undefined; // the parser reports a missing or inline channel
  const at = node.source.locate([...node.path, 'channel', '$ref'], 'value');
  const target = ctx.sources.resolveRef(node.source, ref, at);
  if (!target) return undefined;
  const key = serviceChannel(target, ctx);
  if (key === undefined) {
    const pointer = parsePointer(ref.slice(ref.indexOf('#')));
    ctx.sink.error(at, `operation channel must reference an entry of the document's channels (#/channels/<key>), not ${pointer ? ref : 'this'}`, 'ep-operation-channel');
    return undefined;
  }
  const entry = ctx.sources.get(target.source.absPath) === service.source ? service.channels.get(key) : undefined;
  if (entry?.kind === 'own') return entry.channel;
  const [file, channelKey] = entry?.kind === 'alias' ? [entry.file, entry.key] : [target.source.absPath, key];
  const channel = channelOf(file, channelKey);
  if (!channel) ctx.sink.error(at, `channel ${key} does not lead to a channel any service owns`, 'ep-operation-channel');
  return channel;
}
