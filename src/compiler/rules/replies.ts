/**
 * Request/reply (ep-reply): one request channel has one replier, and the replier and every
 * requester name the same reply channel, which the replier owns (it sends the replies). A
 * channel with `address: null` exists only as a reply channel (direct reply-to).
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { Drafts } from '../model/drafts.js';
import type { OperationDraft } from '../model/drafts.js';
import { fixedReplyQueue } from '../model/assemble.js';

export function checkReplies(drafts: Drafts, sink: DiagnosticSink): void {
  const operations = drafts.services.flatMap((s) => s.operations);
  const repliers = new Map<string, OperationDraft[]>();
  for (const op of operations) {
    if (op.action !== 'receive' || !op.reply || !op.channel) continue;
    repliers.set(op.channel, [...(repliers.get(op.channel) ?? []), op]);
    const channel = op.reply.channel;
    if (channel && channel.owner !== op.service) {
      sink.error(
        op.reply.location,
        `${op.key} replies on channel ${channel.key} of ${channel.owner.name}: the replier sends the replies, so the reply channel is one it owns`,
        'ep-reply',
      );
    }
  }
  for (const [channel, ops] of repliers) {
    for (const extra of ops.slice(1)) {
      sink.error(
        extra.reply!.location,
        `channel ${channel.split('#')[1]} already has a replier (${ops[0]!.service.name}.${ops[0]!.key}): a request gets one reply, so a request channel has one replier`,
        'ep-reply',
      );
    }
  }
  for (const op of operations) {
    if (!op.channel) continue;
    const replier = repliers.get(op.channel)?.[0];
    if (op.action === 'send' && op.reply && !replier) {
      sink.error(op.reply.location, `${op.key} waits for a reply, but no receive operation of channel ${op.channel.split('#')[1]} declares one: every request would time out`, 'ep-reply');
    } else if (op.action === 'send' && !op.reply && replier) {
      sink.error(
        op.location,
        `${op.key} sends to channel ${op.channel.split('#')[1]}, which ${replier.service.name}.${replier.key} answers: declare the reply here too (reply.channel)`,
        'ep-reply',
      );
    } else if (op.action === 'send' && op.reply?.channel && replier?.reply?.channel && op.reply.channel !== replier.reply.channel) {
      sink.error(
        op.reply.location,
        `${op.key} expects replies on channel ${op.reply.channel.key}, but ${replier.service.name}.${replier.key} replies on ${replier.reply.channel.key}`,
        'ep-reply',
      );
    }
  }
  const replyChannels = new Set(operations.map((o) => o.reply?.channel?.id).filter((id) => id !== undefined));
  const warned = new Set<string>();
  for (const op of operations) {
    const channel = op.reply?.channel;
    if (!channel || channel.directReplyTo || fixedReplyQueue(channel) !== undefined || warned.has(channel.id)) continue;
    warned.add(channel.id);
    sink.warning(
      channel.addressAt,
      `reply channel ${channel.key} is neither address: null (direct reply-to) nor an is: queue channel (a fixed reply queue): replies go over direct reply-to`,
      'ep-reply',
    );
  }
  for (const channel of drafts.channels) {
    if (channel.directReplyTo && !replyChannels.has(channel.id)) {
      sink.error(channel.addressAt, `channel ${channel.key} has address: null, which only a reply channel (operation.reply.channel) may have`, 'ep-reply');
    }
  }
}
