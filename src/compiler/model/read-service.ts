/**
 * Reads one service document: its info, the channels it owns or references, and (in a second
 * pass, once every document's channels are known) its operations.
 */
import type { DiagnosticSink, Position } from '../diagnostics.js';
import type { ServiceFile } from '../load/discover.js';
import { isRecord, parsePointer, refOf, type PathSegment } from '../load/pointer.js';
import { nodeKey, type Located, type SourceSet } from '../load/sources.js';
import type { SourceFile } from '../load/source.js';
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

export function readService(file: ServiceFile, source: SourceFile, ctx: ReadContext): ServiceDraft | undefined {
  const { sink } = ctx;
  const doc = source.value;
  const top: Position = { file: source.file, line: 1, column: 1 };
  if (!isRecord(doc)) {
    if (!source.broken) sink.error(top, 'not an AsyncAPI document: expected a mapping at the top level', 'ep-asyncapi');
    return undefined;
  }
  const version = doc.asyncapi;
  if (typeof version !== 'string' || !/^3\.0\.\d+$/.test(version)) {
    sink.error(source.locate(['asyncapi']), `eventplane compiles AsyncAPI 3.0 documents; this one says asyncapi: ${JSON.stringify(version ?? null)}`, 'ep-asyncapi');
    return undefined;
  }
  checkExtensions('document', source, [], doc, sink);
  const info = isRecord(doc.info) ? doc.info : {};
  checkExtensions('info', source, ['info'], info, sink);
  const title = text(info.title);
  if (title !== undefined && title !== file.service) {
    sink.error(source.locate(['info', 'title']), `info.title is "${title}" but the file is ${file.service}.yaml: the service name is the file name`, 'ep-service-name');
  }
  if (!/^[a-z][a-z0-9-]*$/.test(file.service)) {
    sink.error(top, `service name "${file.service}" must be kebab-case (a-z, 0-9, -): it names queues and broker users`, 'ep-service-name');
  }
  const owner = text(info['x-owner']);
  if (owner === undefined && info['x-owner'] === undefined) {
    sink.error(source.locate(['info'], 'key'), 'info.x-owner is required: the team that owns this contract', 'ep-owner');
  }
  const service: ServiceDraft = {
    id: `${file.system}/${file.service}`,
    system: file.system,
    name: file.service,
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

const EXCHANGE_TYPES = new Set(['topic', 'direct', 'fanout', 'headers']);

function readChannel(service: ServiceDraft, key: string, node: Located, ctx: ReadContext): ChannelDraft {
  const { sink } = ctx;
  const source = node.source;
  const channel = isRecord(node.value) ? node.value : {};
  checkExtensions('channel', source, node.path, channel, sink);
  const at = (path: readonly PathSegment[], part: 'key' | 'value' = 'value') => source.locate([...node.path, ...path], part);
  const location = service.source.locate(['channels', key], 'key');
  if (channel.address === null) return directReplyToChannel(service, key, node, channel, location);
  const address = typeof channel.address === 'string' ? channel.address : undefined;
  if (address === undefined) {
    sink.error(location, `channel ${key} has no address: the address is the routing key`, 'ep-routing-key');
  }
  const exchange = readAmqpBinding(service, key, node, ctx, location);
  return {
    id: `${service.id}#${key}`,
    key,
    system: service.system,
    owner: service,
    node,
    ...(address !== undefined ? { address } : {}),
    ...(exchange ? { exchange } : {}),
    ...(text(channel.title) !== undefined ? { title: text(channel.title)! } : {}),
    ...(text(channel.description) !== undefined ? { description: text(channel.description)! } : {}),
    location,
    addressAt: address !== undefined ? at(['address']) : location,
    bindingAt: isRecord(channel.bindings) ? at(['bindings']) : location,
    messages: [],
  };
}

function readAmqpBinding(service: ServiceDraft, key: string, node: Located, ctx: ReadContext, location: Position): ExchangeDraft | undefined {
  const { sink, sources } = ctx;
  const channel = isRecord(node.value) ? node.value : {};
  const bindingsNode = channel.bindings === undefined ? undefined : sources.deref({ source: node.source, path: [...node.path, 'bindings'], value: channel.bindings });
  const bindings = bindingsNode && isRecord(bindingsNode.value) ? bindingsNode.value : undefined;
  if (!bindingsNode || !bindings || bindings.amqp === undefined) {
    sink.error(location, `channel ${key} has no amqp binding: bindings.amqp names the exchange its routing key is published to`, 'ep-amqp-binding');
    return undefined;
  }
  const amqpNode = sources.deref({ source: bindingsNode.source, path: [...bindingsNode.path, 'amqp'], value: bindings.amqp });
  if (!amqpNode) return undefined;
  const amqp = isRecord(amqpNode.value) ? amqpNode.value : {};
  const at = (...path: PathSegment[]) => amqpNode.source.locate([...amqpNode.path, ...path]);
  let ok = true;
  if (amqp.is !== 'routingKey') {
    sink.error(
      amqp.is === undefined ? at() : at('is'),
      `bindings.amqp.is must be "routingKey"${amqp.is === 'queue' ? ': queues are derived from receive operations' : ''}`,
      'ep-amqp-binding',
    );
    ok = false;
  }
  const exchange = isRecord(amqp.exchange) ? amqp.exchange : undefined;
  if (!exchange) {
    sink.error(at(), 'bindings.amqp.exchange is required (name and type)', 'ep-amqp-binding');
    return undefined;
  }
  const name = text(exchange.name);
  if (name === undefined) {
    sink.error(at('exchange'), 'bindings.amqp.exchange.name is required', 'ep-amqp-binding');
    ok = false;
  } else if (name.startsWith('amq.')) {
    sink.error(at('exchange', 'name'), `exchange "${name}": names starting with "amq." are reserved by RabbitMQ`, 'ep-amqp-binding');
    ok = false;
  }
  const type = exchange.type;
  if (typeof type !== 'string' || !EXCHANGE_TYPES.has(type)) {
    sink.error(
      at('exchange', ...(type === undefined ? [] : ['type'])),
      type === undefined ? 'bindings.amqp.exchange.type is required (topic or direct)' : `bindings.amqp.exchange.type "${String(type)}" cannot be bound: use topic or direct`,
      'ep-amqp-binding',
    );
    ok = false;
  }
  if (exchange.vhost !== undefined && exchange.vhost !== service.system) {
    sink.error(at('exchange', 'vhost'), `bindings.amqp.exchange.vhost is "${String(exchange.vhost)}" but this system's vhost is "${service.system}"`, 'ep-amqp-binding');
    ok = false;
  }
  if (exchange.durable === false) {
    sink.error(at('exchange', 'durable'), 'exchanges must be durable: a broker restart would lose them', 'ep-amqp-binding');
    ok = false;
  }
  if (exchange.autoDelete === true) {
    sink.error(at('exchange', 'autoDelete'), 'exchanges must not auto-delete: the last unbinding would remove them', 'ep-amqp-binding');
    ok = false;
  }
  if (!ok || name === undefined) return undefined;
  return { name, type: type as ExchangeDraft['type'], durable: true, autoDelete: false };
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
      for (const ext of ['x-queue', 'x-retry', 'x-dead-letter']) {
        if (op[ext] !== undefined) sink.error(node.source.locate([...node.path, ext], 'key'), `${ext} applies to receive operations only`, 'ep-extension');
      }
      if (channel && channel.owner !== service) {
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
    const queue = queuePolicy(op['x-queue'], `${service.name}.${channel?.address ?? key}`);
    const retry = retryPolicy(op['x-retry']);
    const deadLetter = deadLetterPolicy(op['x-dead-letter'], queue.name);
    service.operations.push({ ...base, queue, retry, deadLetter });
  }
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
