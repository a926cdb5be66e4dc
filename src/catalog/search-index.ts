/**
 * The client-side search index: one compact row per event, service and system, written as a
 * script (`window.EVENTPLANE_SEARCH = …`) so it loads from file:// where fetch() cannot.
 */
import type { CatalogView } from './catalog-view.js';
import { schemaRows } from './schema-rows.js';
import { eventPage, servicePage, systemPage } from './site-paths.js';

/** [kind, name, title, system, routingKey, owner, url, fields (space separated), summary] */
export type SearchEntry = readonly [
  kind: 'e' | 's' | 'y',
  name: string,
  title: string,
  system: string,
  routingKey: string,
  owner: string,
  url: string,
  fields: string,
  summary: string,
];

export function searchEntries(view: CatalogView): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const s of view.systems) {
    const name = s.system.name;
    entries.push(['y', name, `System ${name}`, name, '', s.owners.join(' '), systemPage(name), '', `${s.services.length} services, ${s.events.length} events`]);
    for (const sv of s.services) {
      const svc = sv.service;
      entries.push(['s', svc.name, svc.description ?? '', name, '', svc.owner, servicePage(name, svc.name), '', svc.description ?? '']);
    }
    for (const e of s.events) {
      const m = e.message;
      const fields = [...schemaRows(m.payload), ...(m.headers ? schemaRows(m.headers) : [])].map((r) => r.path);
      entries.push([
        'e',
        m.name,
        m.title ?? '',
        name,
        e.channel.address,
        e.producer ? `${e.producer.owner} ${e.producer.name}` : m.owner,
        eventPage(name, m.name),
        fields.join(' '),
        m.summary ?? '',
      ]);
    }
  }
  return entries;
}

export function searchIndexScript(view: CatalogView): string {
  // `</` is escaped so no field name can close a script element if the index is ever inlined.
  const json = JSON.stringify({ version: 1, entries: searchEntries(view) }).replace(/<\//g, '<\\/');
  return `window.EVENTPLANE_SEARCH=${json};\n`;
}
