/** One page per system: its flow graph, exchanges, services, events and queues. */
import type { CatalogView, SystemView } from '../catalog-view.js';
import { renderFlowSvg } from '../flow-graph.js';
import { html, raw } from '../html.js';
import { eventPage, href, INDEX_PAGE, servicePage, STYLESHEET, systemFlowSvg, systemPage } from '../site-paths.js';
import { flowGraphOf } from '../system-flow.js';
import { renderPage } from './layout.js';
import { badge, count, empty, exchangeAnchor, exchangeBadge, queueAnchor, sectionHeading, table, versionBadge } from './parts.js';
import { markdownInline } from '../markdown.js';

export function systemFlowSvgFile(s: SystemView): string {
  return renderFlowSvg(flowGraphOf(s, s.events), {
    page: systemFlowSvg(s.system.name),
    id: 'system-flow',
    title: `Message flow of ${s.system.name}: producers, exchanges, queues and consumers`,
    standaloneStylesheet: href(systemFlowSvg(s.system.name), STYLESHEET),
  });
}

export function renderSystemPage(view: CatalogView, s: SystemView): string {
  const system = s.system.name;
  const path = systemPage(system);
  const to = (target: string): string => href(path, target);
  const svg = renderFlowSvg(flowGraphOf(s, s.events), {
    page: path,
    id: 'system-flow',
    title: `Message flow of ${system}: producers, exchanges, queues and consumers`,
  });

  const body = html`<p class="kind">System · vhost ${s.system.vhost}</p>
<div class="page-head"><h1>${system}</h1></div>
<p class="stats"><span><strong>${s.services.length}</strong> services</span><span><strong>${s.events.length}</strong> events</span><span><strong>${s.exchanges.length}</strong> exchanges</span><span><strong>${s.queues.length}</strong> queues</span><span>owners: ${s.owners.join(', ')}</span></p>
${sectionHeading('flow', 'Flow')}
<figure class="flow"><div class="flow-scroll">${raw(svg)}</div>
<figcaption><span class="legend"><i class="l-service"></i> service</span><span class="legend"><i class="l-exchange"></i> exchange</span><span class="legend"><i class="l-queue"></i> queue (with retry and DLQ)</span><a href="${to(systemFlowSvg(system))}">Open as SVG</a></figcaption></figure>
${sectionHeading('exchanges', 'Exchanges')}
${s.exchanges.map(({ exchange, events }) => html`<section aria-labelledby="${exchangeAnchor(exchange.name)}"><h3 id="${exchangeAnchor(exchange.name)}"><code>${exchange.name}</code> ${exchangeBadge(exchange.type)}${exchange.durable ? ' ' : ''}${exchange.durable ? badge('durable') : badge('transient', 'warn')}</h3>
${table(
  ['Routing key', 'Event', 'Producer', 'Consumers'],
  events.map((e) => html`<tr><td><code>${e.channel.address}</code></td><td><a href="${to(eventPage(system, e.message.name))}">${e.message.name}</a></td><td>${e.producer ? html`<a href="${to(servicePage(system, e.producer.name))}">${e.producer.name}</a>` : '—'}</td><td>${count(e.consumers.length)}</td></tr>`),
  `Events on ${exchange.name}`,
)}</section>`)}
${s.infrastructureExchanges.length > 0 ? html`<details><summary>Retry and dead-letter exchanges (${s.infrastructureExchanges.length})</summary>${table(
  ['Exchange', 'Type', 'Role', 'Service'],
  s.infrastructureExchanges.map((x) => html`<tr><td><code>${x.name}</code></td><td>${x.type}</td><td>${x.role}</td><td>${x.service ? html`<a href="${to(servicePage(system, x.service.split('/').pop()!))}">${x.service.split('/').pop()}</a>` : '—'}</td></tr>`),
  'Retry and dead-letter exchanges',
)}</details>` : ''}
${sectionHeading('services', 'Services')}
${table(
  ['Service', 'Owner', 'Version', 'Sends', 'Receives', 'Description'],
  s.services.map((sv) => html`<tr><td><a href="${to(servicePage(system, sv.service.name))}">${sv.service.name}</a></td><td>${sv.service.owner}</td><td>${versionBadge(sv.service.version)}</td><td>${sv.sends.reduce((n, x) => n + x.events.length, 0)}</td><td>${sv.receives.reduce((n, x) => n + x.events.length, 0)}</td><td>${sv.service.description ? markdownInline(sv.service.description) : ''}</td></tr>`),
  `Services of ${system}`,
)}
${sectionHeading('events', 'Events')}
${s.events.length === 0 ? empty('No events.') : table(
  ['Event', 'Routing key', 'Version', 'Producer', 'Consumers', 'Summary'],
  s.events.map((e) => html`<tr><td><a href="${to(eventPage(system, e.message.name))}">${e.message.name}</a></td><td><code>${e.channel.address}</code></td><td>${versionBadge(e.message.version)}</td><td>${e.producer?.name ?? '—'}</td><td>${e.consumers.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${to(servicePage(system, c.service.name))}">${c.service.name}</a>`)}</td><td>${e.message.summary ?? ''}</td></tr>`),
  `Events of ${system}`,
)}
${sectionHeading('queues', 'Queues')}
${s.queues.length === 0 ? empty('No queues.') : table(
  ['Queue', 'Type', 'Consumer', 'Retries', 'Dead-letter queue'],
  s.queues.map((q) => {
    const svc = q.queue.service.split('/').pop()!;
    return html`<tr><td><a href="${to(`${servicePage(system, svc)}#${queueAnchor(q.queue.name)}`)}"><code>${q.queue.name}</code></a></td><td>${badge(q.queue.type, q.queue.type)}</td><td><a href="${to(servicePage(system, svc))}">${svc}</a></td><td>${q.retryQueues.length}</td><td>${q.deadLetter ? html`<code>${q.deadLetter.queue.name}</code>` : '—'}</td></tr>`;
  }),
  `Queues of ${system}`,
)}`;

  return renderPage({
    path,
    title: `${system} system`,
    description: `Services, events and message flow of ${system}`,
    systems: view.systems.map((x) => x.system.name),
    currentSystem: system,
    breadcrumbs: [{ label: 'Catalog', to: INDEX_PAGE }, { label: system }],
    toc: [
      { id: 'flow', label: 'Flow' },
      { id: 'exchanges', label: 'Exchanges' },
      { id: 'services', label: 'Services' },
      { id: 'events', label: 'Events' },
      { id: 'queues', label: 'Queues' },
    ],
    specDir: view.model.specDir,
    body,
  });
}
