/** One page per event: what it means, its wire shape, who sends and receives it, and its history. */
import type { CatalogView, EventView, SystemView } from '../catalog-view.js';
import { renderFlowSvg } from '../flow-graph.js';
import { html, raw, type SafeHtml } from '../html.js';
import { highlightJson } from '../json-highlight.js';
import type { HistoryEntry } from '../message-history.js';
import { eventPage, href, INDEX_PAGE, servicePage, systemPage } from '../site-paths.js';
import { flowGraphOf } from '../system-flow.js';
import { renderPage } from './layout.js';
import { badge, duration, empty, exchangeAnchor, exchangeBadge, facts, queueAnchor, queueBlock, sectionHeading, table, versionBadge } from './parts.js';
import { schemaTable } from './schema-table.js';
import { markdownBlock } from '../markdown.js';

const TOC = [
  { id: 'flow', label: 'Flow' },
  { id: 'payload', label: 'Payload' },
  { id: 'headers', label: 'Envelope and headers' },
  { id: 'examples', label: 'Examples' },
  { id: 'producers', label: 'Producers' },
  { id: 'consumers', label: 'Consumers' },
  { id: 'queues', label: 'Queues, retry and dead letters' },
  { id: 'history', label: 'Version history' },
];

function historyEntry(e: HistoryEntry): SafeHtml {
  const when = e.commit
    ? html`<span class="when"><time datetime="${e.commit.date}">${e.commit.date.slice(0, 10)}</time> · <code title="${e.commit.hash}">${e.commit.shortHash}</code> · ${e.commit.author}</span>`
    : html`<span class="when">working tree, not committed yet</span>`;
  const what = e.kind === 'added' ? 'Added' : e.kind === 'uncommitted' ? 'Uncommitted changes' : 'Changed';
  return html`<li><div>${versionBadge(e.version)} <strong>${what}</strong>${e.commit ? html` — ${e.commit.subject}` : ''}</div>${when}${e.changes.length > 0 ? html`<ul>${e.changes.map((c) => html`<li>${c}</li>`)}</ul>` : ''}</li>`;
}

export function renderEventPage(view: CatalogView, s: SystemView, e: EventView): string {
  const m = e.message;
  const system = s.system.name;
  const path = eventPage(system, m.name);
  const to = (target: string): string => href(path, target);
  const svc = (name: string): string => to(servicePage(system, name));
  const versions = [...new Set(e.history.entries.map((h) => h.version))];

  const body = html`<p class="kind">Event · ${system}</p>
<div class="page-head"><h1>${m.name}</h1>${versionBadge(m.version)}${exchangeBadge(e.channel.exchangeType)}</div>
${m.title && m.title !== m.name ? html`<p class="lead"><strong>${m.title}.</strong> ${m.summary ?? ''}</p>` : m.summary ? html`<p class="lead">${m.summary}</p>` : ''}
${m.description ? html`<div class="prose">${markdownBlock(m.description)}</div>` : ''}
${facts([
  ['Routing key', html`<code>${e.channel.address}</code>`],
  ['Exchange', e.channel.exchange === ''
    ? html`the default exchange (${e.channel.directReplyTo ? 'a reply over direct reply-to' : 'routed by queue name'}) in vhost <code>${s.system.vhost}</code>`
    : html`<a href="${to(`${systemPage(system)}#${exchangeAnchor(e.channel.exchange)}`)}"><code>${e.channel.exchange}</code></a> ${badge(e.channel.exchangeType, e.channel.exchangeType)} in vhost <code>${s.system.vhost}</code>`],
  ['Producer', e.producer ? html`<a href="${svc(e.producer.name)}">${e.producer.name}</a> ${badge(e.producer.owner, 'owner')}` : html`<span class="muted">${m.owner}</span>`],
  ['Consumers', e.consumers.length === 0 ? html`<span class="muted">none yet</span>` : html`${e.consumers.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${svc(c.service.name)}">${c.service.name}</a>`)}`],
  ['CloudEvents type', html`<code>${m.type}</code>`],
  ['Content type', html`<code>${m.contentType}</code>`],
  ['Spec', html`<code>${m.location.file}:${m.location.line}</code>`],
])}
${sectionHeading('flow', 'Flow')}
${e.channel.exchange === ''
  ? html`<p class="muted">Sent through the default exchange straight to its destination, so there is no exchange → queue path to draw.</p>`
  : html`<figure class="flow"><div class="flow-scroll">${raw(renderFlowSvg(flowGraphOf(s, [e], true), { page: path, id: 'event-flow', title: `Flow of ${m.name}: producer, exchange, queues and consumers` }))}</div>
<figcaption>Producer → exchange → queue → consumer for <code>${e.channel.address}</code>. Select a node to open it.</figcaption></figure>`}
${sectionHeading('payload', 'Payload')}
<p class="muted">The message body, exactly (CloudEvents binary mode): the envelope travels in AMQP properties and headers.</p>
${schemaTable(m.payload, 'field', `Payload fields of ${m.name}`)}
${sectionHeading('headers', 'Envelope and headers')}
${m.headers ? html`<h3>Headers of ${m.name}</h3>${schemaTable(m.headers, 'header', `Headers of ${m.name}`)}` : ''}
<details${m.headers ? '' : raw(' open')}><summary>Envelope every event carries</summary>
<p class="muted">Set by the runtime: AMQP <code>type</code> is <code>${m.type}</code>, <code>app_id</code> is <code>${system}/${e.producer?.name ?? '…'}</code>, <code>message_id</code> is the event id, <code>correlation_id</code> the conversation and <code>user_id</code> the publishing broker user (verified by the broker); the headers below carry the rest, <code>ce-dataversion</code> being <code>${m.version}</code>.</p>
${schemaTable(view.model.envelope.headers, 'envelope', 'Envelope headers')}</details>
${sectionHeading('examples', 'Examples')}
${m.examples.length === 0 ? empty('No examples declared.') : m.examples.map((x, i) => html`<div class="example"><h3 id="example-${i + 1}">${x.name ?? `Example ${i + 1}`}${x.summary ? html` <span class="muted">${x.summary}</span>` : ''}</h3>
<pre><code>${highlightJson(x.payload)}</code></pre>${x.headers ? html`<details><summary>Headers</summary><pre><code>${highlightJson(x.headers)}</code></pre></details>` : ''}</div>`)}
${sectionHeading('producers', 'Producers')}
${e.producer
  ? table(
      ['Service', 'Owner', 'Operation', 'Version'],
      (e.sendOperations.length > 0 ? e.sendOperations : [undefined]).map(
        (op) => html`<tr><td><a href="${svc(e.producer!.name)}">${e.producer!.name}</a></td><td>${e.producer!.owner}</td><td>${op ? html`<code>${op.key}</code>` : html`<span class="muted">—</span>`}</td><td>${e.producer!.version}</td></tr>`,
      ),
      'Producers',
    )
  : empty('No service sends this event.')}
${sectionHeading('consumers', 'Consumers')}
${e.consumers.length === 0
  ? empty('No service receives this event yet.')
  : table(
      ['Service', 'Owner', 'Operation', 'Queue', 'Retry', 'Dead letters'],
      e.consumers.map((c) => {
        const q = c.queue?.queue.name ?? c.operation.queue?.name;
        const r = c.operation.retry;
        return html`<tr><td><a href="${svc(c.service.name)}">${c.service.name}</a></td><td>${c.service.owner}</td><td><code>${c.operation.key}</code></td><td>${q ? html`<a href="#${queueAnchor(q)}"><code>${q}</code></a>` : '—'}</td><td>${r ? (r.retries === 0 ? 'none' : `${r.retries} × ${duration(r.initialDelayMs)} → ${duration(r.maxDelayMs)}`) : '—'}</td><td>${c.queue?.deadLetter ? html`<code>${c.queue.deadLetter.queue.name}</code>` : c.operation.deadLetter ? html`<code>${c.operation.deadLetter.queue}</code>` : '—'}</td></tr>`;
      }),
      'Consumers',
    )}
${sectionHeading('queues', 'Queues, retry and dead letters')}
${e.consumers.length === 0 ? empty('No queue receives this event.') : e.consumers.map((c) => {
  const name = c.queue?.queue.name ?? c.operation.queue?.name ?? `${c.service.name}.${e.channel.address}`;
  return queueBlock({ page: path, name, ...(c.queue ? { view: c.queue } : {}), operations: [c.operation], serviceLink: { label: c.service.name, to: servicePage(system, c.service.name) } });
})}
${sectionHeading('history', 'Version history')}
${versions.length > 0 ? html`<p>Versions: ${versions.map((v) => html`${versionBadge(v)} `)}</p>` : ''}
${e.history.entries.length === 0 ? empty(e.history.note ?? 'No history.') : html`<ol class="timeline">${e.history.entries.map(historyEntry)}</ol>`}`;

  return renderPage({
    path,
    title: `${m.name} (${e.channel.address})`,
    description: m.summary ?? `${m.name} on ${e.channel.address}`,
    systems: view.systems.map((x) => x.system.name),
    currentSystem: system,
    breadcrumbs: [{ label: 'Catalog', to: INDEX_PAGE }, { label: system, to: systemPage(system) }, { label: 'Events', to: `${systemPage(system)}#events` }, { label: m.name }],
    toc: TOC,
    specDir: view.model.specDir,
    body,
  });
}
