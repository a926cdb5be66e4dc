/** Building blocks shared by the catalog's pages: badges, section headings, tables, queues. */
import type { DeadLetterPolicy, OperationModel, QueuePolicy, RetryPolicy } from '../../compiler/model.js';
import type { TopologyPolicy } from '../../topology/types.js';
import type { QueueView } from '../catalog-view.js';
import { html, join, raw, type HtmlValue, type SafeHtml } from '../html.js';
import { anchorId, href } from '../site-paths.js';

export function badge(text: string, kind = ''): SafeHtml {
  return html`<span class="badge${kind ? ` ${kind}` : ''}">${text}</span>`;
}

export function exchangeBadge(type: string): SafeHtml {
  return badge(`${type} exchange`, type);
}

export function versionBadge(version: string): SafeHtml {
  return badge(`v${version}`, 'version');
}

/** A section heading with a permalink, so every section can be deep-linked. */
export function sectionHeading(id: string, text: string, level: 2 | 3 = 2): SafeHtml {
  const link = html`<a class="anchor" href="#${id}" aria-label="Link to ${text}">#</a>`;
  return level === 2 ? html`<h2 id="${id}">${text}${link}</h2>` : html`<h3 id="${id}">${text}${link}</h3>`;
}

/** A table whose column widths are set, not sized by content: `columns` are CSS widths, '' for "the rest". */
export interface TableLayout {
  readonly className: string;
  readonly columns: readonly string[];
}

export function table(headers: readonly HtmlValue[], rows: readonly HtmlValue[], caption?: string, layout?: TableLayout): SafeHtml {
  if (rows.length === 0) return html``;
  const cols = layout ? html`<colgroup>${layout.columns.map((width) => (width ? html`<col style="width:${width}">` : html`<col>`))}</colgroup>` : '';
  return html`<div class="table-wrap"><table${layout ? html` class="${layout.className}"` : ''}>${caption ? html`<caption class="sr-only">${caption}</caption>` : ''}${cols}<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function empty(text: string): SafeHtml {
  return html`<p class="empty">${text}</p>`;
}

export function facts(items: readonly (readonly [string, HtmlValue] | false | undefined)[]): SafeHtml {
  return html`<dl class="facts">${items.map((i) => (i ? html`<dt>${i[0]}</dt><dd>${i[1]}</dd>` : ''))}</dl>`;
}

export function kv(items: readonly (readonly [string, HtmlValue] | false | undefined)[]): SafeHtml {
  return html`<dl class="kv">${items.map((i) => (i ? html`<div><dt>${i[0]}</dt><dd>${i[1]}</dd></div>` : ''))}</dl>`;
}

/** `500 ms`, `4.2 s`, `5 min`, `2 h`, `7 d`. */
export function duration(ms: number): string {
  const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, ''));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${fmt(ms / 1000)} s`;
  if (ms < 3_600_000) return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${fmt(ms / 1000)} s`;
  if (ms < 86_400_000) return `${fmt(ms / 3_600_000)} h`;
  return `${fmt(ms / 86_400_000)} d`;
}

export function count(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString('en-US');
}

export function queueAnchor(name: string): string {
  return anchorId('queue', name);
}

export function exchangeAnchor(name: string): string {
  return anchorId('exchange', name);
}

function policyTable(policy: TopologyPolicy | undefined): SafeHtml {
  if (!policy) return html``;
  return html`<details><summary>Broker policy <code>${policy.name}</code></summary>${table(
    ['key', 'value'],
    Object.entries(policy.definition).map(([k, v]) => html`<tr><td><code>${k}</code></td><td><code>${String(v)}</code></td></tr>`),
    `Policy ${policy.name}`,
  )}<p class="muted">Applies to queues matching <code>${policy.pattern}</code> (priority ${policy.priority}).</p></details>`;
}

function retryLadder(retry: RetryPolicy | undefined, view: QueueView | undefined, dlqName: string | undefined): SafeHtml {
  const steps: HtmlValue[] = [html`<li>attempt 1</li>`];
  const delays = retry?.delaysMs ?? view?.retryQueues.map((r) => r.queue.delayMs ?? 0) ?? [];
  delays.forEach((d, i) => {
    const q = view?.retryQueues[i]?.queue.name;
    steps.push(raw('<li class="arrow" aria-hidden="true">→</li>'), html`<li title="${q ?? ''}">wait ${duration(d)}, retry ${i + 1}</li>`);
  });
  if (dlqName) steps.push(raw('<li class="arrow" aria-hidden="true">→</li>'), html`<li class="dlq">dead letter <code>${dlqName}</code></li>`);
  return html`<ol class="ladder" aria-label="Retry ladder">${steps}</ol>`;
}

export interface QueueBlockInput {
  readonly page: string;
  readonly name: string;
  readonly view?: QueueView;
  /** The receive operations the queue serves (for the consumer-side settings). */
  readonly operations: readonly OperationModel[];
  /** Where the queue's consuming service lives, for a link from event pages. */
  readonly serviceLink?: { readonly label: string; readonly to: string };
  readonly headingLevel?: 2 | 3;
}

/** One consumer queue: broker settings, consumer settings, retry ladder, dead-letter queue. */
export function queueBlock(q: QueueBlockInput): SafeHtml {
  const op = q.operations.find((o) => o.queue) ?? q.operations[0];
  const policy: QueuePolicy | undefined = op?.queue;
  const retry: RetryPolicy | undefined = op?.retry;
  const dead: DeadLetterPolicy | undefined = op?.deadLetter;
  const type = q.view?.queue.type ?? policy?.type ?? 'quorum';
  const dlqName = q.view?.deadLetter?.queue.name ?? dead?.queue;
  const retryQueues = q.view?.retryQueues ?? [];
  const bindings = q.view?.bindings ?? [];
  return html`<section class="queue" aria-labelledby="${queueAnchor(q.name)}">
<h3 id="${queueAnchor(q.name)}">${q.name} ${badge(type, type)}${q.serviceLink ? html` <a class="badge owner" href="${href(q.page, q.serviceLink.to)}">${q.serviceLink.label}</a>` : ''}</h3>
${kv([
  ['Max length', policy?.maxLength === undefined ? 'unbounded' : `${count(policy.maxLength)} msgs`],
  policy?.maxLengthBytes !== undefined && ['Max bytes', count(policy.maxLengthBytes)],
  ['Overflow', policy?.overflow ?? '—'],
  ['Delivery limit', policy ? String(policy.deliveryLimit) : '—'],
  ['Message TTL', policy?.messageTtlMs === undefined ? 'none' : duration(policy.messageTtlMs)],
  ['Prefetch', policy ? String(policy.prefetch) : '—'],
  ['Concurrency', policy ? String(policy.concurrency) : '—'],
  ['Depth alert', policy ? `> ${count(policy.depthAlert)} ready` : '—'],
])}
${bindings.length > 0 ? html`<p>Bound to ${join(bindings.map((b) => html`<code>${b.source}</code> with key <code>${b.routingKey}</code>`), '; ')}.</p>` : ''}
<p><strong>Retry:</strong> ${retry ? (retry.retries === 0 ? 'none — failures go straight to the dead-letter queue.' : `${retry.retries} retries, ${duration(retry.initialDelayMs)} → ${duration(retry.maxDelayMs)}${retry.multiplier ? ` (×${Number(retry.multiplier.toFixed(2))} per step)` : ''}.`) : retryQueues.length > 0 ? `${retryQueues.length} delayed retries.` : 'not declared.'} Undecodable or invalid messages are dead-lettered at once.</p>
${retryLadder(retry, q.view, dlqName)}
${dlqName ? html`<p><strong>Dead letters:</strong> <code>${dlqName}</code>${dead ? html` — max ${count(dead.maxLength)} msgs, kept ${dead.messageTtlMs === undefined ? 'until handled' : `for ${duration(dead.messageTtlMs)}`}; warns at ${count(dead.warnAt)}, pages at ${count(dead.pageAt)}.` : ''}</p>` : ''}
${policyTable(q.view?.policy)}
${retryQueues.length > 0 ? html`<details><summary>Retry queues (${retryQueues.length})</summary>${table(
    ['queue', 'delay', 'returns to'],
    retryQueues.map((r) => html`<tr><td><code>${r.queue.name}</code></td><td>${r.queue.delayMs === undefined ? '—' : duration(r.queue.delayMs)}</td><td><code>${r.queue.returnsTo ?? q.name}</code></td></tr>`),
    `Retry queues of ${q.name}`,
  )}</details>` : ''}
${q.view?.deadLetter?.policy ? policyTable(q.view.deadLetter.policy) : ''}
</section>`;
}
