/**
 * Reads every service document into drafts, links receives to the producers' channels, runs
 * the platform rules and assembles the contract model.
 */
import type { Memo } from '../cache/memo.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ServiceFile } from '../load/discover.js';
import { isRecord } from '../load/pointer.js';
import { nodeKey, type Located, type SourceSet } from '../load/sources.js';
import type { ContractModel, EnvelopeModel } from '../model.js';
import { checkExamples } from '../rules/examples.js';
import { checkRules } from '../rules/index.js';
import { assembleModel } from './assemble.js';
import type { ChannelDraft, Drafts, MessageDraft, ServiceDraft } from './drafts.js';
import { DEFAULT_ENVELOPE_HEADERS } from './envelope.js';
import { readMessage } from './read-message.js';
import { readOperations, readService, type ReadContext } from './read-service.js';
import { bundleSchema } from './schema.js';

export interface BuildInput {
  /** As given, relative to the working directory. */
  readonly specDir: string;
  readonly services: readonly ServiceFile[];
  readonly sources: SourceSet;
  readonly sink: DiagnosticSink;
  /** Validate every example against its schema (default true); compiles every schema with ajv. */
  readonly checkExamples?: boolean;
  /** Remembers the examples' verdict per message content (see cache/memo.ts). */
  readonly memo?: Memo;
}

export function buildModel(input: BuildInput): ContractModel {
  const { sources, sink } = input;
  const ctx: ReadContext = { sources, sink, services: new Map(input.services.map((s) => [s.absPath, s])) };

  const services: ServiceDraft[] = [];
  const ids = new Map<string, ServiceDraft>();
  for (const file of input.services) {
    const source = sources.get(file.absPath);
    if (!source || source.broken) continue;
    const service = readService(file, source, ctx);
    if (!service) continue;
    const clash = ids.get(service.id);
    if (clash) {
      sink.error(service.location, `service ${service.name} is already defined in ${service.system} by ${clash.source.file}: two documents, one service name`, 'ep-service-conflict');
      continue;
    }
    ids.set(service.id, service);
    services.push(service);
  }

  const channelsByKey = new Map<string, ChannelDraft>();
  const channels: ChannelDraft[] = [];
  for (const service of services) {
    for (const entry of service.channels.values()) {
      if (entry.kind !== 'own') continue;
      channelsByKey.set(`${service.source.absPath}\0${entry.channel.key}`, entry.channel);
      channels.push(entry.channel);
    }
  }

  const messages = readMessages(channels, sources, sink);
  const messageIds = new Map(messages.map((m) => [nodeKey(m.node), m.id]));
  for (const service of services) {
    readOperations(
      service,
      ctx,
      (file, key) => channelsByKey.get(`${file}\0${key}`),
      (node) => messageIds.get(nodeKey(node)),
    );
  }

  noteOtherProtocols(services, sink);
  const drafts: Drafts = { services, channels, messages };
  const envelope = readEnvelope(drafts, sources, sink);
  checkRules(drafts, envelope !== undefined, sink);
  const model = assembleModel(input.specDir, drafts, envelope ?? { headers: DEFAULT_ENVELOPE_HEADERS });
  // Examples are checked on the model: its schemas are compiled once, for this and for the validators.
  if (input.checkExamples !== false) checkExamples(model, messages, sink, input.memo);
  return model;
}

function readMessages(channels: readonly ChannelDraft[], sources: SourceSet, sink: DiagnosticSink): MessageDraft[] {
  const byNode = new Map<string, MessageDraft>();
  const byName = new Map<string, MessageDraft>();
  for (const channel of channels) {
    const definition = isRecord(channel.node.value) ? channel.node.value : {};
    const base = { source: channel.node.source, path: [...channel.node.path, 'messages'] };
    for (const [key, raw] of Object.entries(isRecord(definition.messages) ? definition.messages : {})) {
      const node = sources.deref({ ...base, path: [...base.path, key], value: raw });
      if (!node) continue;
      const identity = nodeKey(node);
      const known = byNode.get(identity);
      if (known) {
        if (known.channel !== channel.id) {
          sink.error(
            node.source.locate(node.path, 'key'),
            `message ${known.name} is carried by channels ${known.channel.split('#')[1]} and ${channel.key}: a message has one channel (declare a second message); its type and validator are shared`,
            'ep-message-channel',
          );
        }
        channel.messages.push(known.id);
        continue;
      }
      const draft = readMessage(node, channel, componentKey(node) ?? key, { sources, sink });
      const clash = byName.get(draft.id);
      if (clash) {
        sink.error(draft.nameAt, `message name ${draft.name} is already used in ${draft.system} by ${clash.location.file}:${clash.location.line}`, 'ep-message-conflict');
        continue;
      }
      byNode.set(identity, draft);
      byName.set(draft.id, draft);
      channel.messages.push(draft.id);
    }
    channel.messages.sort();
  }
  return [...byNode.values()];
}

function componentKey(node: Located): string | undefined {
  const parent = node.path[node.path.length - 2];
  return parent === 'messages' ? String(node.path[node.path.length - 1]) : undefined;
}

/** The `Envelope` trait the messages apply (one for all systems). */
function readEnvelope(drafts: Drafts, sources: SourceSet, sink: DiagnosticSink): EnvelopeModel | undefined {
  const keys = [...new Set(drafts.messages.flatMap((m) => m.envelopeTraits))].sort();
  if (keys.length === 0) return undefined;
  if (keys.length > 1) {
    const files = keys.map((k) => k.split('#')[0]).join(', ');
    const first = drafts.messages.find((m) => m.envelopeTraits.length > 0)!;
    sink.error(first.location, `the messages apply ${keys.length} different Envelope traits (${files}): declare the envelope once`, 'ep-envelope');
  }
  const message = drafts.messages.find((m) => m.envelopeTraits.includes(keys[0]!))!;
  const traits = isRecord(message.node.value) && Array.isArray(message.node.value.traits) ? message.node.value.traits : [];
  for (let i = 0; i < traits.length; i++) {
    const trait = sources.deref({ source: message.node.source, path: [...message.node.path, 'traits', i], value: traits[i] });
    if (!trait || nodeKey(trait) !== keys[0] || !isRecord(trait.value)) continue;
    const location = trait.source.locate(trait.path, 'key');
    if (trait.value.headers === undefined) {
      sink.error(location, 'the Envelope trait declares no headers schema', 'ep-envelope');
      return undefined;
    }
    const headers = bundleSchema(sources, { source: trait.source, path: [...trait.path, 'headers'], value: trait.value.headers }, sink);
    return headers === undefined ? undefined : { headers, location };
  }
  return undefined;
}

/**
 * One note per document whose channels are bound only to other protocols (Kafka, MQTT,
 * WebSocket, …): their messages get types and validators, but no exchange, queue or client.
 */
function noteOtherProtocols(services: readonly ServiceDraft[], sink: DiagnosticSink): void {
  for (const service of services) {
    const other = [...service.channels.values()].flatMap((e) => (e.kind === 'own' && e.channel.otherProtocols ? [e.channel] : []));
    if (other.length === 0) continue;
    const ids = new Set(other.map((c) => c.id));
    const operations = service.operations.filter((o) => o.channel !== undefined && ids.has(o.channel)).length;
    const protocols = [...new Set(other.flatMap((c) => c.otherProtocols!))].sort().join(', ');
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    sink.warning(
      { file: service.source.file, line: 1, column: 1 },
      `${plural(other.length, 'channel')} (${other.map((c) => c.key).join(', ')}) ${other.length === 1 ? 'is' : 'are'} bound to ${protocols}, not amqp: ` +
        `their messages get payload types and validators, but no RabbitMQ topology or client (${plural(operations, 'operation')} left out)`,
      'ep-protocol',
    );
  }
}
