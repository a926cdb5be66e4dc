/**
 * AsyncAPI 3 request/reply: `operation.reply` and reply channels with `address: null`.
 * A reply names the channel whose messages are the replies (and optionally which of them). A
 * reply channel with `address: null` is answered over RabbitMQ direct reply-to, so it needs
 * neither a routing key nor an amqp binding; rules/replies.ts checks that both ends agree.
 */
import type { DiagnosticSink, Position } from '../diagnostics.js';
import { isRecord, refOf } from '../load/pointer.js';
import type { Located, SourceSet } from '../load/sources.js';
import type { ChannelDraft, ReplyDraft, ServiceDraft } from './drafts.js';
import { text } from './values.js';

/** What the default exchange routes to the requester's reply consumer. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

export function directReplyToChannel(service: ServiceDraft, key: string, node: Located, channel: Record<string, unknown>, location: Position): ChannelDraft {
  return {
    id: `${service.id}#${key}`,
    key,
    system: service.system,
    parameters: [],
    owner: service,
    node,
    address: DIRECT_REPLY_TO,
    exchange: { name: '', type: 'direct', durable: true, autoDelete: false },
    ...(text(channel.title) !== undefined ? { title: text(channel.title)! } : {}),
    ...(text(channel.description) !== undefined ? { description: text(channel.description)! } : {}),
    location,
    addressAt: node.source.locate([...node.path, 'address']),
    bindingAt: location,
    messages: [],
    directReplyTo: true,
  };
}

interface ReplyContext {
  readonly sources: SourceSet;
  readonly sink: DiagnosticSink;
}

/** `reply` of one operation; `resolveChannel` follows `reply.channel` as it does `operation.channel`. */
export function readReply(
  node: Located,
  ctx: ReplyContext,
  resolveChannel: (holder: Located) => ChannelDraft | undefined,
  messageOf: (node: Located) => string | undefined,
): ReplyDraft | undefined {
  const { sink, sources } = ctx;
  const location = node.source.locate(node.path, 'key');
  const resolved = sources.deref(node);
  if (!resolved || !isRecord(resolved.value)) {
    sink.error(location, 'reply must be a mapping with a channel (and optionally messages)', 'ep-reply');
    return undefined;
  }
  const reply = resolved.value;
  const at = (...path: (string | number)[]) => resolved.source.locate([...resolved.path, ...path]);
  if (refOf(reply.channel) === undefined) {
    sink.error(
      location,
      'reply.channel is required: a $ref to the reply channel the replier owns (address: null for RabbitMQ direct reply-to)',
      'ep-reply',
    );
    return undefined;
  }
  const channel = resolveChannel(resolved);
  const messages: string[] = [];
  if (Array.isArray(reply.messages)) {
    reply.messages.forEach((m, i) => {
      const target = sources.deref({ source: resolved.source, path: [...resolved.path, 'messages', i], value: m });
      if (!target) return;
      const id = messageOf(target);
      if (id === undefined) sink.error(at('messages', i), 'this reply message is not one of the messages of a channel any service owns', 'ep-reply');
      else if (channel && !channel.messages.includes(id)) sink.error(at('messages', i), `reply message ${id.split('/')[1]} is not carried by reply channel ${channel.key}`, 'ep-reply');
      else messages.push(id);
    });
  } else if (channel) {
    messages.push(...channel.messages);
  }
  if (channel && messages.length === 0) {
    sink.error(location, `reply channel ${channel.key} carries no message: a reply needs at least one`, 'ep-reply');
  }
  return { ...(channel ? { channel } : {}), messages: [...new Set(messages)].sort(), location };
}
