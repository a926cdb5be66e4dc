/**
 * Helpers for the catalog's browser tests: crawling a built site in Chromium and collecting
 * every console error, failed request, 4xx/5xx, external request and broken anchor.
 */
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

export const PAGE_CHECKS = fileURLToPath(new URL('./page-checks.js', import.meta.url));

export interface A11yReport {
  readonly h1: number;
  readonly unlabelledControls: readonly string[];
  readonly imagesWithoutAlt: readonly string[];
  readonly unlabelledSvgs: readonly string[];
  readonly emptyLinks: readonly string[];
  readonly lang: string;
  readonly title: string;
}

export interface ContrastReport {
  readonly checked: number;
  readonly failures: readonly { text: string; element: string; color: string; background: string; ratio: number }[];
}

export interface CrawledPage {
  readonly url: string;
  readonly ids: ReadonlySet<string>;
  readonly a11y?: A11yReport;
  readonly contrast?: ContrastReport;
}

export interface CrawlResult {
  readonly pages: ReadonlyMap<string, CrawledPage>;
  /** Console errors and warnings, page errors, failed and refused requests, external links, broken anchors. */
  readonly problems: readonly string[];
  readonly links: number;
}

/** Opens a page that records every problem it sees into `problems`. */
export async function watchedPage(context: BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ path: PAGE_CHECKS });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()} on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText ?? 'unknown';
    // Chromium cancels what a page still loads (its favicon) when the crawl moves on; a missing
    // file fails as ERR_FILE_NOT_FOUND and a missing URL answers 404, both still reported.
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} (${reason})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return page;
}

/**
 * Visits every page reachable from `root + 'index.html'` (HTML pages and linked SVGs), checks
 * each HTML page's accessibility, and verifies every link's target and #anchor exist.
 */
export async function crawlSite(context: BrowserContext, root: string, options: { contrast?: boolean } = {}): Promise<CrawlResult> {
  const problems: string[] = [];
  const page = await watchedPage(context, problems);
  // Nothing may leave the site: no CDN fonts, scripts or images.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(root)) return route.continue();
    problems.push(`external request: ${url}`);
    return route.abort();
  });
  const pages = new Map<string, CrawledPage>();
  const links: { from: string; to: string }[] = [];
  const queue = [`${root}index.html`];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (pages.has(url)) continue;
    await page.goto(url, { waitUntil: 'load' });
    const found = (await page.evaluate('window.__catalogChecks.links()')) as { ids: string[]; hrefs: string[] };
    const isHtml = url.endsWith('.html');
    const a11y = isHtml ? ((await page.evaluate('window.__catalogChecks.a11yReport()')) as A11yReport) : undefined;
    const contrast = isHtml && options.contrast ? ((await page.evaluate('window.__catalogChecks.contrastFailures(4.5)')) as ContrastReport) : undefined;
    pages.set(url, { url, ids: new Set(found.ids), ...(a11y ? { a11y } : {}), ...(contrast ? { contrast } : {}) });
    for (const href of found.hrefs) {
      if (!href.startsWith(root)) {
        problems.push(`external link on ${url}: ${href}`);
        continue;
      }
      links.push({ from: url, to: href });
      const target = href.split('#')[0]!;
      if ((target.endsWith('.html') || target.endsWith('.svg')) && !pages.has(target)) queue.push(target);
    }
  }
  await page.close();
  for (const { from, to } of links) {
    const [target = '', anchor] = to.split('#');
    if (!anchor) continue;
    const p = pages.get(target);
    if (p && !p.ids.has(decodeURIComponent(anchor))) problems.push(`broken anchor on ${from}: ${to}`);
  }
  return { pages, problems, links: links.length };
}
