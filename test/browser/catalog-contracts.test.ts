/**
 * The catalog of this repository's own contracts (asyncapi/), built the way
 * `eventplane catalog` builds it — compiler, topology emitter, git history — and checked in
 * Chromium: every page renders cleanly, every link and anchor resolves, every system has its
 * flow graph, and search finds real events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCatalog, writeCatalog, type CatalogServer } from '../../src/catalog/index.js';
import { formatDiagnostic, loadContracts, type ContractModel } from '../../src/compiler/index.js';
import { launchChromium, type Browser } from './support/chromium.js';
import { crawlSite, watchedPage, type CrawlResult } from './support/catalog-site.js';

/** What page-checks.js measures of one field table. */
interface FieldTable {
  readonly heading: string;
  readonly sidewaysScroll: number;
  readonly descriptionRightOfView: number;
  readonly descriptionChars: number;
  readonly overflowing: readonly string[];
  readonly backticks: number;
  readonly codeInDescriptions: number;
}

let dir: string;
let server: CatalogServer;
let browser: Browser;
let model: ContractModel;
let crawl: CrawlResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'catalog-contracts-'));
  const loaded = await loadContracts('asyncapi');
  if (!loaded.model) throw new Error(`asyncapi/ does not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  model = loaded.model;
  // What `eventplane catalog` does after loading: topology emitter, git history, render, write.
  await writeCatalog(model, { outDir: join(dir, 'site') });
  server = await serveCatalog(join(dir, 'site'), 0);
  browser = await launchChromium();
  crawl = await crawlSite(browser.context, server.url);
  // Loading every contract with full AsyncAPI validation dominates; a busy CI machine needs room.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('catalog of asyncapi/', () => {
  it('renders every page without console errors, failed requests, 404s or broken anchors', () => {
    expect(crawl.problems).toEqual([]);
    const events = model.systems.reduce((n, s) => n + s.messages.length, 0);
    expect([...crawl.pages.keys()].filter((u) => u.includes('/events/'))).toHaveLength(events);
  });

  it('has one h1, labelled controls and labelled graphics on every page', () => {
    for (const p of crawl.pages.values()) {
      if (!p.a11y) continue;
      expect({ url: p.url, h1: p.a11y.h1, controls: p.a11y.unlabelledControls, svgs: p.a11y.unlabelledSvgs, images: p.a11y.imagesWithoutAlt }).toEqual({ url: p.url, h1: 1, controls: [], svgs: [], images: [] });
    }
  });

  it('draws a flow graph for each system', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    for (const system of model.systems) {
      await page.goto(`${server.url}systems/${system.name}/index.html`);
      const nodes = page.locator('svg.flow-graph a.fg-node');
      expect(await nodes.count()).toBeGreaterThan(2);
      const labels = await page.locator('svg.flow-graph a.fg-node.fg-exchange text:first-of-type').allTextContents();
      expect(labels.sort()).toEqual(system.exchanges.map((x) => x.name).sort());
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  it('keeps the payload table readable at 1,400 and 800 px: a wide description column, no sideways scroll, markdown rendered', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    for (const width of [1400, 800]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}systems/shop/events/ProcessPayment.html`);
      const tables = (await page.evaluate('window.__catalogChecks.fieldTables()')) as FieldTable[];
      // The payload table and the envelope's header table.
      expect(tables.length, `tables at ${width} px`).toBeGreaterThanOrEqual(2);
      for (const t of tables) {
        expect({ width, ...t }).toMatchObject({ width, heading: 'Description', sidewaysScroll: 0, descriptionRightOfView: 0, overflowing: [], backticks: 0 });
        expect(t.descriptionChars, `description column at ${width} px, in characters`).toBeGreaterThanOrEqual(30);
        console.log(`field table at ${width} px: description column ${t.descriptionChars} characters wide`);
      }
      // The payload's checkoutId description has `ce-correlationid` in backticks: rendered as code.
      expect(tables[0]!.codeInDescriptions).toBeGreaterThan(0);
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  it('finds a real event by its routing key', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    const system = model.systems.find((s) => s.channels.length > 0)!;
    const channel = system.channels[0]!;
    const message = system.messages.find((m) => m.channel === channel.id)!;
    await page.goto(`${server.url}index.html`);
    await page.fill('#search-input', channel.address);
    await expect.poll(() => page.locator('#search-results a .r-name').first().textContent()).toBe(message.name);
    await page.close();
    expect(problems).toEqual([]);
  });
});
