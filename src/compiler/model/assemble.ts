/** Drafts → the contract model: plain data, sorted, with every id resolved. */
import type {
  ChannelModel,
  ContractModel,
  EnvelopeModel,
  ExchangeModel,
  MessageModel,
  OperationModel,
  ServiceModel,
  SystemModel,
} from '../model.js';
import type { Drafts } from './drafts.js';
import type { ChannelDraft, OperationDraft } from './drafts.js';

export function byId<T extends { readonly id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function assembleModel(specDir: string, drafts: Drafts, envelope: EnvelopeModel): ContractModel {
  const systems = [...new Set(drafts.services.map((s) => s.system))].sort();
  return {
    specDir,
    systems: systems.map((system) => assembleSystem(system, drafts)),
    envelope,
  };
}

function assembleSystem(system: string, drafts: Drafts): SystemModel {
  const services = drafts.services.filter((s) => s.system === system);
  // Channels bound to other protocols only have no exchange: their messages stay (types and
  // validators), their channels and operations do not (no topology, no client).
  const routed = new Set(drafts.channels.filter((c) => c.address !== undefined && c.exchange !== undefined).map((c) => c.id));
  const operations: OperationDraft[] = services.flatMap((s) => s.operations).filter((o) => o.channel !== undefined && routed.has(o.channel));
  const channels: ChannelModel[] = drafts.channels
    .filter((c) => c.system === system && routed.has(c.id))
    .map((c) => ({
      id: c.id,
      key: c.key,
      system,
      owner: c.owner.id,
      address: c.address!,
      exchange: c.exchange!.name,
      exchangeType: c.exchange!.type,
      ...(c.title !== undefined ? { title: c.title } : {}),
      ...(c.description !== undefined ? { description: c.description } : {}),
      messages: [...c.messages],
      location: c.location,
      ...(c.parameters.length > 0 ? { parameters: c.parameters } : {}),
      ...(c.directReplyTo ? { directReplyTo: true as const } : {}),
    }))
    .sort(byId);
  const exchanges = new Map<string, ExchangeModel & { channels: string[] }>();
  for (const c of drafts.channels) {
    // '' is RabbitMQ's default exchange (direct reply-to, is: queue): always there, never declared.
    if (c.system !== system || !c.exchange || c.address === undefined || c.directReplyTo || c.exchange.name === '') continue;
    const known = exchanges.get(c.exchange.name);
    if (known) known.channels.push(c.id);
    else exchanges.set(c.exchange.name, { vhost: system, ...c.exchange, channels: [c.id] });
  }
  const messages: MessageModel[] = drafts.messages
    .filter((m) => m.system === system && m.payload !== undefined)
    .map((m) => ({
      id: m.id,
      system,
      name: m.name,
      ...(m.title !== undefined ? { title: m.title } : {}),
      ...(m.summary !== undefined ? { summary: m.summary } : {}),
      ...(m.description !== undefined ? { description: m.description } : {}),
      version: m.version,
      type: `${system}.${m.name}`,
      contentType: m.contentType,
      channel: m.channel,
      owner: m.owner,
      payload: m.payload!,
      ...(m.headers !== undefined ? { headers: m.headers } : {}),
      examples: m.examples.filter((e) => e.hasPayload).map((e) => e.example),
      tags: [...m.tags],
      location: m.location,
    }))
    .sort(byId);
  return {
    name: system,
    vhost: system,
    services: services.map((s) => assembleService(s.id, drafts, operations)).sort(byId),
    exchanges: [...exchanges.values()]
      .map((e) => ({ ...e, channels: e.channels.sort() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    channels,
    messages,
    operations: operations.map(assembleOperation).sort(byId),
  };
}

function assembleService(id: string, drafts: Drafts, operations: readonly OperationDraft[]): ServiceModel {
  const s = drafts.services.find((d) => d.id === id)!;
  const own = operations.filter((o) => o.service === s);
  return {
    id: s.id,
    system: s.system,
    name: s.name,
    ...(s.description !== undefined ? { description: s.description } : {}),
    owner: s.owner ?? '',
    version: s.version,
    file: s.source.file,
    location: s.location,
    sends: own.filter((o) => o.action === 'send').map((o) => o.id).sort(),
    receives: own.filter((o) => o.action === 'receive').map((o) => o.id).sort(),
    brokerUser: `${s.system}-${s.name}`,
    tags: [...s.tags],
  };
}

function assembleOperation(o: OperationDraft): OperationModel {
  return {
    id: o.id,
    key: o.key,
    service: o.service.id,
    action: o.action,
    channel: o.channel!,
    messages: [...o.messages],
    ...(o.title !== undefined ? { title: o.title } : {}),
    ...(o.summary !== undefined ? { summary: o.summary } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    location: o.location,
    ...(o.queue ? { queue: o.queue } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.deadLetter ? { deadLetter: o.deadLetter } : {}),
    ...(o.bind ? { bind: o.bind } : {}),
    ...(o.reply?.channel
      ? {
          reply: {
            channel: o.reply.channel.id,
            messages: [...o.reply.messages],
            directReplyTo: o.reply.channel.directReplyTo === true,
            ...(fixedReplyQueue(o.reply.channel) !== undefined ? { queue: fixedReplyQueue(o.reply.channel)! } : {}),
            location: o.reply.location,
          },
        }
      : {}),
  };
}

/** The queue of a fixed reply channel (`is: queue`); undefined for direct reply-to and other channels. */
export function fixedReplyQueue(channel: ChannelDraft): string | undefined {
  return channel.directReplyTo || channel.exchange?.name !== '' ? undefined : channel.queue;
}
