/**
 * Where every page lives in the site, and relative links between them. Every href the catalog
 * writes is relative so the same files work from file://, from the built-in server and from
 * any sub-path a team publishes them under.
 */
import { posix } from 'node:path';

// Contract names are identifiers already (docs/CONTRACTS.md); anything else is folded so the
// file name and the href can never disagree about escaping.
const seg = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '-');

export const INDEX_PAGE = 'index.html';
export const NOT_FOUND_PAGE = '404.html';
export const STYLESHEET = 'assets/catalog.css';
export const SEARCH_SCRIPT = 'assets/search.js';
export const FAVICON = 'assets/favicon.svg';
export const SEARCH_INDEX = 'search-index.js';

export function systemPage(system: string): string {
  return `systems/${seg(system)}/index.html`;
}

export function systemFlowSvg(system: string): string {
  return `systems/${seg(system)}/flow.svg`;
}

export function servicePage(system: string, service: string): string {
  return `systems/${seg(system)}/services/${seg(service)}.html`;
}

export function eventPage(system: string, message: string): string {
  return `systems/${seg(system)}/events/${seg(message)}.html`;
}

/**
 * The href from page `from` to `to` (both site-root relative and normalised, `to` may carry
 * `#anchor`). Hand-rolled rather than path.relative: it runs for every link of every page.
 */
export function href(from: string, to: string): string {
  const hash = to.indexOf('#');
  const target = hash < 0 ? to : to.slice(0, hash);
  const anchor = hash < 0 ? '' : to.slice(hash);
  if (target === '' || target === from) return anchor === '' ? posix.basename(from) : anchor;
  const fromDirs = from.split('/').slice(0, -1);
  const toParts = target.split('/');
  let common = 0;
  while (common < fromDirs.length && common < toParts.length - 1 && fromDirs[common] === toParts[common]) common++;
  return '../'.repeat(fromDirs.length - common) + toParts.slice(common).join('/') + anchor;
}

/** The prefix that leads from `page` back to the site root (`''`, `../`, `../../`…). */
export function rootPrefix(page: string): string {
  const depth = page.split('/').length - 1;
  return '../'.repeat(depth);
}

/** An id usable in a fragment without escaping: `lines[].sku` → `lines-item.sku`. */
export function anchorId(prefix: string, text: string): string {
  return `${prefix}-${text.replace(/\[\]/g, '-item').replace(/\{\*\}/g, '-key').replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
}
