/** One page per service: ownership, what it sends and receives, its queues and its broker rights. */
import type { CatalogView, ServiceView, SystemView } from '../catalog-view.js';
import { renderFlowSvg } from '../flow-graph.js';
import { html, raw, type SafeHtml } from '../html.js';
import { flowGraphOf } from '../system-flow.js';
import { eventPage, href, INDEX_PAGE, servicePage, systemPage } from '../site-paths.js';
import { renderPage } from './layout.js';
import { requestReplyPairs, requestReplyTable } from './request-reply.js';
import { badge, duration, empty, exchangeAnchor, facts, queueAnchor, queueBlock, sectionHeading, table, versionBadge } from './parts.js';
import { markdownBlock } from '../markdown.js';

const TOC = [
  { id: 'flow', label: 'Flow' },
  { id: 'sends', label: 'Sends' },
  { id: 'receives', label: 'Receives' },
  { id: 'queues', label: 'Queues' },
  { id: 'broker-user', label: 'Broker user and permissions' },
];

function regex(re: string): SafeHtml {
  return re === '^$' ? html`<code>^$</code> <span class="muted">(nothing)</span>` : html`<code>${re}</code>`;
}

export function renderServicePage(view: CatalogView, s: SystemView, sv: ServiceView): string {
  const svc = sv.service;
  const system = s.system.name;
  const path = servicePage(system, svc.name);
  const to = (target: string): string => href(path, target);
  const serviceName = (id: string): string => id.split('/').pop() ?? id;

  const pairs = requestReplyPairs(s.system, svc.id);
  const sends = sv.sends.flatMap((x) => x.events.map((e) => ({ op: x.operation, e })));
  const receives = sv.receives.flatMap((x) => x.events.map((e) => ({ op: x.operation, e, queue: x.queue })));
  // Queues from the topology, or from the receive operations when there is no topology entry.
  const queueNames = [...new Set([...sv.queues.map((q) => q.queue.name), ...sv.receives.map((r) => r.queue?.queue.name ?? r.operation.queue?.name).filter((n): n is string => n !== undefined)])];

  // What it sends, with every consumer; what it receives, with only its own queues.
  const flowEvents = [
    ...sv.sends.flatMap((x) => x.events),
    ...sv.receives.flatMap((x) => x.events).map((e) => ({ ...e, consumers: e.consumers.filter((c) => c.service.id === svc.id) })),
  ];
  const flow = flowEvents.length === 0 ? '' : renderFlowSvg(flowGraphOf(s, flowEvents), { page: path, id: 'service-flow', title: `Flow around ${svc.name}: what it publishes and consumes` });

  const body = html`<p class="kind">Service · ${system}</p>
<div class="page-head"><h1>${svc.name}</h1>${versionBadge(svc.version)}${badge(svc.owner, 'owner')}</div>
${svc.description ? html`<div class="lead prose">${markdownBlock(svc.description)}</div>` : ''}
${facts([
  ['Owner', svc.owner],
  ['Version', svc.version],
  ['System', html`<a href="${to(systemPage(system))}">${system}</a> (vhost <code>${s.system.vhost}</code>)`],
  ['Broker user', html`<code>${sv.user?.name ?? svc.brokerUser}</code>`],
  ['Spec', html`<code>${svc.file}</code>`],
  svc.tags.length > 0 && ['Tags', html`${svc.tags.map((t) => html`${badge(t)} `)}`],
])}
${sectionHeading('flow', 'Flow')}
${flow ? html`<figure class="flow"><div class="flow-scroll">${raw(flow)}</div><figcaption>Events ${svc.name} publishes, where they go, and the queues it consumes from. Select a node to open it.</figcaption></figure>` : empty('This service neither sends nor receives events.')}
${sectionHeading('sends', `Sends (${sends.length})`)}
${sends.length === 0
  ? empty('This service sends no events.')
  : table(
      ['Event', 'Routing key', 'Exchange', 'Operation', 'Consumers'],
      sends.map(({ op, e }) => html`<tr><td><a href="${to(eventPage(system, e.message.name))}">${e.message.name}</a> ${versionBadge(e.message.version)}</td><td><code>${e.channel.address}</code></td><td>${e.channel.exchange === '' ? html`<span class="muted">default</span>` : html`<a href="${to(`${systemPage(system)}#${exchangeAnchor(e.channel.exchange)}`)}"><code>${e.channel.exchange}</code></a>`}</td><td><code>${op.key}</code></td><td>${e.consumers.length === 0 ? html`<span class="muted">none</span>` : e.consumers.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${to(servicePage(system, c.service.name))}">${c.service.name}</a>`)}</td></tr>`),
      'Events this service sends',
    )}
${sectionHeading('receives', `Receives (${receives.length})`)}
${receives.length === 0
  ? empty('This service receives no events.')
  : table(
      ['Event', 'From', 'Routing key', 'Operation', 'Queue', 'Retry'],
      receives.map(({ op, e, queue }) => {
        const q = queue?.queue.name ?? op.queue?.name;
        return html`<tr><td><a href="${to(eventPage(system, e.message.name))}">${e.message.name}</a></td><td>${e.producer ? html`<a href="${to(servicePage(system, e.producer.name))}">${e.producer.name}</a>` : serviceName(e.message.owner)}</td><td><code>${e.channel.address}</code></td><td><code>${op.key}</code></td><td>${q ? html`<a href="#${queueAnchor(q)}"><code>${q}</code></a>` : '—'}</td><td>${op.retry ? (op.retry.retries === 0 ? 'none' : `${op.retry.retries} × ${duration(op.retry.initialDelayMs)} → ${duration(op.retry.maxDelayMs)}`) : '—'}</td></tr>`;
      }),
      'Events this service receives',
    )}
${pairs.length > 0 ? html`${sectionHeading('request-reply', `Request/reply (${pairs.length})`)}${requestReplyTable(pairs, path, system)}` : ''}
${sectionHeading('queues', `Queues (${queueNames.length})`)}
${queueNames.length === 0
  ? empty('No queues: this service only publishes.')
  : queueNames.map((name) => {
      const v = sv.queues.find((q) => q.queue.name === name);
      const ops = sv.receives.filter((r) => (r.queue?.queue.name ?? r.operation.queue?.name) === name).map((r) => r.operation);
      return queueBlock({ page: path, name, ...(v ? { view: v } : {}), operations: ops });
    })}
${sectionHeading('broker-user', 'Broker user and permissions')}
<p>One broker user per service, least privilege: it can declare nothing, write only to the exchanges it publishes to (and its own retry and dead-letter exchanges), and read only its own queues. The password is never in the contracts or the topology.</p>
${facts([
  ['User', html`<code>${sv.user?.name ?? svc.brokerUser}</code>`],
  ['Tags', sv.user && sv.user.tags.length > 0 ? sv.user.tags.join(', ') : html`<span class="muted">none (no management access)</span>`],
  sv.exchanges.length > 0 && ['Own exchanges', html`${sv.exchanges.map((x, i) => html`${i > 0 ? ', ' : ''}<code>${x.name}</code> (${x.role})`)}`],
])}
${sv.permissions.length === 0
  ? empty('No permissions in the topology.')
  : table(
      ['Vhost', 'Configure', 'Write', 'Read'],
      sv.permissions.map((p) => html`<tr><td><code>${p.vhost}</code></td><td>${regex(p.configure)}</td><td>${regex(p.write)}</td><td>${regex(p.read)}</td></tr>`),
      'Permissions',
    )}
${sv.topicPermissions.length > 0
  ? html`<h3 id="topic-permissions">Topic permissions</h3>${table(
      ['Vhost', 'Exchange', 'Write routing keys', 'Read routing keys'],
      sv.topicPermissions.map((p) => html`<tr><td><code>${p.vhost}</code></td><td><code>${p.exchange}</code></td><td>${regex(p.write)}</td><td>${regex(p.read)}</td></tr>`),
      'Topic permissions',
    )}`
  : ''}`;

  return renderPage({
    path,
    title: `${svc.name} service (${system})`,
    description: svc.description ?? `Service ${svc.name} of ${system}`,
    systems: view.systems.map((x) => x.system.name),
    currentSystem: system,
    breadcrumbs: [{ label: 'Catalog', to: INDEX_PAGE }, { label: system, to: systemPage(system) }, { label: 'Services', to: `${systemPage(system)}#services` }, { label: svc.name }],
    toc: TOC,
    specDir: view.model.specDir,
    body,
  });
}
