/**
 * Request/reply pairs on a service page: each request this service sends or answers, with its
 * reply message(s) beside it and the service at the other end.
 */
import type { OperationModel, SystemModel } from '../../compiler/model.js';
import { html, type SafeHtml } from '../html.js';
import { eventPage, href, servicePage } from '../site-paths.js';
import { table } from './parts.js';

export interface RequestReplyPair {
  readonly role: 'requester' | 'replier';
  readonly operation: OperationModel;
  readonly requests: readonly string[];
  readonly replies: readonly string[];
  /** The services at the other end: the replier for a requester, the requesters for a replier. */
  readonly counterparts: readonly string[];
  readonly directReplyTo: boolean;
  /** The fixed reply queue, when the reply channel names one. */
  readonly queue?: string;
}

export function requestReplyPairs(system: SystemModel, serviceId: string): RequestReplyPair[] {
  const name = (id: string) => id.split('/').pop() ?? id;
  const messages = new Map(system.messages.map((m) => [m.id, m.name]));
  const other = (op: OperationModel) =>
    system.operations.filter((o) => o.channel === op.channel && o.reply && o.action !== op.action).map((o) => name(o.service));
  return system.operations
    .filter((op) => op.service === serviceId && op.reply)
    .map((op) => ({
      role: op.action === 'send' ? ('requester' as const) : ('replier' as const),
      operation: op,
      requests: op.messages.map((id) => messages.get(id) ?? name(id)),
      replies: op.reply!.messages.map((id) => messages.get(id) ?? name(id)),
      counterparts: [...new Set(other(op))].sort(),
      directReplyTo: op.reply!.directReplyTo,
      ...(op.reply!.queue !== undefined ? { queue: op.reply!.queue } : {}),
    }));
}

export function requestReplyTable(pairs: readonly RequestReplyPair[], page: string, system: string): SafeHtml {
  const to = (target: string) => href(page, target);
  const links = (names: readonly string[]) => names.map((n, i) => html`${i > 0 ? ' | ' : ''}<a href="${to(eventPage(system, n))}">${n}</a>`);
  return table(
    ['Role', 'Operation', 'Request', '→ Reply', 'Other end', 'Transport'],
    pairs.map(
      (p) =>
        html`<tr><td>${p.role}</td><td><code>${p.operation.key}</code></td><td>${links(p.requests)}</td><td>${links(p.replies)}</td><td>${p.counterparts.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${to(servicePage(system, c))}">${c}</a>`)}</td><td>${p.directReplyTo ? 'direct reply-to (amq.rabbitmq.reply-to)' : p.queue !== undefined ? html`reply queue <code>${p.queue}</code>` : 'reply channel'}</td></tr>`,
    ),
    'Requests and their replies',
  );
}
