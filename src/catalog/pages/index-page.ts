/** The landing page: search first, then systems, then every event and service. */
import type { CatalogView } from '../catalog-view.js';
import { html } from '../html.js';
import { eventPage, href, INDEX_PAGE, NOT_FOUND_PAGE, servicePage, systemPage } from '../site-paths.js';
import { renderPage, searchBox } from './layout.js';
import { badge, empty, sectionHeading, table, versionBadge } from './parts.js';
import { markdownInline } from '../markdown.js';

export function renderIndexPage(view: CatalogView): string {
  const path = INDEX_PAGE;
  const to = (target: string): string => href(path, target);
  const events = view.systems.flatMap((s) => s.events.map((e) => ({ s, e })));
  const services = view.systems.flatMap((s) => s.services.map((sv) => ({ s, sv })));
  const owners = new Set(services.map((x) => x.sv.service.owner));

  const body = html`<h1>Event catalog</h1>
<p class="lead">${events.length} events, ${services.length} services and ${owners.size} teams across ${view.systems.length} systems — built from the contracts, so it always matches the code.</p>
${searchBox(true)}
<p class="search-hint">Search by event name, routing key, payload field or owning team. Press <kbd>/</kbd> to search from any page.</p>
${sectionHeading('systems', 'Systems')}
${view.systems.length === 0 ? empty('No contracts yet: add one under asyncapi/<system>/<service>.yaml.') : html`<div class="cards">${view.systems.map((s) => html`<a class="card" href="${to(systemPage(s.system.name))}"><h3>${s.system.name}</h3>
<p class="stats"><span><strong>${s.services.length}</strong> services</span><span><strong>${s.events.length}</strong> events</span><span><strong>${s.queues.length}</strong> queues</span></p>
<p>${s.owners.join(', ')}</p></a>`)}</div>`}
${sectionHeading('events', 'Events')}
${table(
  ['Event', 'Routing key', 'System', 'Version', 'Producer', 'Consumers'],
  events.map(({ s, e }) => html`<tr><td><a href="${to(eventPage(s.system.name, e.message.name))}">${e.message.name}</a></td><td><code>${e.channel.address}</code></td><td>${s.system.name}</td><td>${versionBadge(e.message.version)}</td><td>${e.producer ? html`<a href="${to(servicePage(s.system.name, e.producer.name))}">${e.producer.name}</a>` : '—'}</td><td>${e.consumers.length}</td></tr>`),
  'All events',
)}
${sectionHeading('services', 'Services')}
${table(
  ['Service', 'System', 'Owner', 'Version', 'Description'],
  services.map(({ s, sv }) => html`<tr><td><a href="${to(servicePage(s.system.name, sv.service.name))}">${sv.service.name}</a></td><td>${s.system.name}</td><td>${badge(sv.service.owner, 'owner')}</td><td>${versionBadge(sv.service.version)}</td><td>${sv.service.description ? markdownInline(sv.service.description) : ''}</td></tr>`),
  'All services',
)}`;

  return renderPage({
    path,
    title: 'Event catalog',
    description: 'Every event, service and queue of the platform, built from the AsyncAPI contracts.',
    systems: view.systems.map((s) => s.system.name),
    breadcrumbs: [{ label: 'Catalog' }],
    heroSearch: true,
    specDir: view.model.specDir,
    body,
  });
}

export function renderNotFoundPage(view: CatalogView): string {
  const body = html`<h1>Page not found</h1><p class="lead">Nothing in the catalog lives at this address. It may belong to an event or service that was renamed or removed from the contracts.</p><p><a href="${INDEX_PAGE}">Back to the catalog</a></p>`;
  return renderPage({
    path: NOT_FOUND_PAGE,
    title: 'Page not found',
    description: 'Page not found',
    systems: view.systems.map((s) => s.system.name),
    breadcrumbs: [],
    // Served for unknown paths at any depth: links resolve from the server's root.
    baseHref: '/',
    specDir: view.model.specDir,
    body,
  });
}
