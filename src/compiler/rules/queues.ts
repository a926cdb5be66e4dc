/**
 * Queues: receive operations that share an `x-queue` name must agree on its settings; every
 * queue name the topology will create (consumer, retry, dead-letter) is unique in its vhost
 * (ep-queue-conflict).
 */
import { isDeepStrictEqual } from 'node:util';
import type { DiagnosticSink } from '../diagnostics.js';
import type { Drafts } from '../model/drafts.js';
import type { OperationDraft, ServiceDraft } from '../model/drafts.js';

export function checkQueues(drafts: Drafts, sink: DiagnosticSink): void {
  const receives = drafts.services
    .flatMap((s) => s.operations)
    .filter((o) => o.action === 'receive' && o.queue)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const groups = new Map<string, OperationDraft[]>();
  for (const op of receives) {
    const key = `${op.service.system}\0${op.queue!.name}`;
    const group = groups.get(key);
    if (group) group.push(op);
    else groups.set(key, [op]);
  }
  const names = new Map<string, string>();
  for (const group of groups.values()) {
    const first = group[0]!;
    const queue = first.queue!.name;
    // The queue belongs to the first service (by id) that consumes it; others are told so.
    for (const op of group) {
      if (op.service !== first.service) {
        sink.error(op.queueAt, `queue ${queue} is already consumed by ${first.service.name} (${first.key}): a queue belongs to one service`, 'ep-queue-conflict');
      }
    }
    const services = new Map<ServiceDraft, OperationDraft[]>();
    for (const op of group) services.set(op.service, [...(services.get(op.service) ?? []), op]);
    for (const ops of services.values()) checkShared(ops, queue, sink);
    const vhost = first.service.system;
    const claim = (name: string, what: string) => {
      const key = `${vhost}\0${name}`;
      const owner = names.get(key);
      if (owner !== undefined) {
        sink.error(first.queueAt, `${what} ${name} clashes with ${owner} of the same name in vhost ${vhost}`, 'ep-queue-conflict');
      } else names.set(key, `${what} (${first.service.name}.${first.key})`);
    };
    claim(queue, 'queue');
    first.retry!.delaysMs.forEach((_, i) => claim(`${queue}.retry.${i + 1}`, 'retry queue'));
    claim(first.deadLetter!.queue, 'dead-letter queue');
  }
}

/** Operations of one service sharing a queue: one handler per message, one set of settings. */
function checkShared(ops: readonly OperationDraft[], queue: string, sink: DiagnosticSink): void {
  const [first, ...rest] = ops as [OperationDraft, ...OperationDraft[]];
  const messages = new Map<string, OperationDraft>();
  for (const op of ops) {
    for (const message of op.messages) {
      const other = messages.get(message);
      if (other && other !== op) {
        sink.error(op.location, `${op.key} and ${other.key} both receive ${message.split('/')[1]} on queue ${queue}: one handler per message and queue`, 'ep-queue-conflict');
      }
      messages.set(message, op);
    }
  }
  for (const op of rest) {
    for (const part of ['queue', 'retry', 'deadLetter'] as const) {
      if (!isDeepStrictEqual(op[part], first[part])) {
        const ext = { queue: 'x-queue', retry: 'x-retry', deadLetter: 'x-dead-letter' }[part];
        sink.error(op.queueAt, `${op.key} shares queue ${queue} with ${first.key} but their ${ext} settings differ: operations sharing a queue must agree`, 'ep-queue-conflict');
        break;
      }
    }
  }
}
