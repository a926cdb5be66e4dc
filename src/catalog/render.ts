/**
 * The catalog as a pure function of the contract model, the topology and the spec history:
 * site-root relative path → file content. Static assets are added by the writer.
 */
import { buildCatalogView, type CatalogInput } from './catalog-view.js';
import { renderEventPage } from './pages/event-page.js';
import { renderIndexPage, renderNotFoundPage } from './pages/index-page.js';
import { renderServicePage } from './pages/service-page.js';
import { renderSystemPage, systemFlowSvgFile } from './pages/system-page.js';
import { searchIndexScript } from './search-index.js';
import { eventPage, INDEX_PAGE, NOT_FOUND_PAGE, SEARCH_INDEX, servicePage, systemFlowSvg, systemPage } from './site-paths.js';

export function renderCatalog(input: CatalogInput): Map<string, string> {
  const view = buildCatalogView(input);
  const files = new Map<string, string>();
  files.set(INDEX_PAGE, renderIndexPage(view));
  files.set(NOT_FOUND_PAGE, renderNotFoundPage(view));
  files.set(SEARCH_INDEX, searchIndexScript(view));
  for (const s of view.systems) {
    files.set(systemPage(s.system.name), renderSystemPage(view, s));
    files.set(systemFlowSvg(s.system.name), systemFlowSvgFile(s));
    for (const sv of s.services) files.set(servicePage(s.system.name, sv.service.name), renderServicePage(view, s, sv));
    for (const e of s.events) files.set(eventPage(s.system.name, e.message.name), renderEventPage(view, s, e));
  }
  return files;
}
