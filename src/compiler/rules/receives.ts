/** Receives: each reaches a channel someone sends to (ep-orphan-receive), inside its system (ep-cross-system). */
import type { DiagnosticSink } from '../diagnostics.js';
import type { Drafts, OperationDraft } from '../model/drafts.js';

export function checkReceives(drafts: Drafts, sink: DiagnosticSink): void {
  const operations = drafts.services.flatMap((s) => s.operations);
  const sent = new Set(operations.filter((o) => o.action === 'send' && o.channel).map((o) => o.channel!));
  const channels = new Map(drafts.channels.map((c) => [c.id, c]));
  for (const op of operations) {
    if (op.action !== 'receive' || !op.channel) continue;
    const channel = channels.get(op.channel)!;
    if (channel.system !== op.service.system) {
      sink.error(
        op.location,
        `${op.key} receives ${channel.address ?? channel.key} from system ${channel.system}: receives stay inside their system (one vhost per system)`,
        'ep-cross-system',
      );
    }
    if (!sent.has(op.channel)) {
      sink.error(
        op.location,
        `${op.key} receives channel ${channel.key} of ${channel.owner.name}, but no operation sends to it`,
        'ep-orphan-receive',
      );
    }
  }
  for (const channel of drafts.channels) {
    // A reply channel is sent to by its replier's reply, not by a send operation (rules/replies.ts).
    if (!sent.has(channel.id) && !isReplyChannel(channel.id, operations)) {
      sink.warning(channel.location, `channel ${channel.key} is declared but ${channel.owner.name} has no send operation for it`, 'ep-unused-channel');
    }
  }
}

function isReplyChannel(id: string, operations: readonly OperationDraft[]): boolean {
  return operations.some((o) => o.reply?.channel?.id === id);
}
