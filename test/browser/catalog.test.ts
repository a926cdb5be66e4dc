/**
 * The event catalog in a real browser: Debian's headless Chromium through playwright-core,
 * against a site built from the fixture contract model, served by the catalog's own server
 * and opened straight from disk.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCatalog } from '../../src/catalog/render.js';
import { serveCatalog, type CatalogServer } from '../../src/catalog/serve.js';
import { writeSite } from '../../src/catalog/write-site.js';
import { fixtureModel } from '../fixtures/catalog/model.js';
import { buildTopology } from '../../src/compiler/emit/topology.js';
import { launchChromium, type Browser } from './support/chromium.js';
import { crawlSite, watchedPage, type CrawlResult } from './support/catalog-site.js';

/** Screenshots land here (git-ignored) for people to look at. */
const SHOTS = resolve('test-results/catalog');

let dir: string;
let server: CatalogServer;
let browser: Browser;
let httpRoot: string;
let fileRoot: string;
let crawl: CrawlResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'catalog-browser-'));
  const site = join(dir, 'site');
  await writeSite(site, renderCatalog({ model: fixtureModel, topology: buildTopology(fixtureModel) }));
  server = await serveCatalog(site, 0);
  httpRoot = server.url;
  fileRoot = `${pathToFileURL(site).href}/`;
  browser = await launchChromium();
  crawl = await crawlSite(browser.context, httpRoot, { contrast: true });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const systems = fixtureModel.systems;
const eventCount = systems.reduce((n, s) => n + s.messages.length, 0);
const serviceCount = systems.reduce((n, s) => n + s.services.length, 0);

describe('catalog in Chromium', () => {
  it('crawls every page from the index over HTTP: no console errors, no failed requests, no 404s, no broken anchors', () => {
    expect(crawl.problems).toEqual([]);
    const urls = [...crawl.pages.keys()].map((u) => u.slice(httpRoot.length));
    // index + systems + services + events + one flow SVG per system: every page is linked.
    expect(urls.filter((u) => u.includes('/events/'))).toHaveLength(eventCount);
    expect(urls.filter((u) => u.includes('/services/'))).toHaveLength(serviceCount);
    expect(urls.filter((u) => u.endsWith('flow.svg'))).toHaveLength(systems.length);
    expect(crawl.links).toBeGreaterThan(500);
  });

  it('works the same from file:// (no server)', async () => {
    const fromDisk = await crawlSite(browser.context, fileRoot);
    expect(fromDisk.problems).toEqual([]);
    expect(fromDisk.pages.size).toBe(crawl.pages.size);
  });

  it('passes the accessibility smoke check on every page: one h1, labelled controls, alt text, labelled SVGs', () => {
    const html = [...crawl.pages.values()].filter((p) => p.a11y);
    expect(html.length).toBe(1 + systems.length + serviceCount + eventCount);
    for (const p of html) {
      const a = p.a11y!;
      expect({ url: p.url, h1: a.h1, lang: a.lang, controls: a.unlabelledControls, images: a.imagesWithoutAlt, svgs: a.unlabelledSvgs, links: a.emptyLinks }).toEqual({
        url: p.url,
        h1: 1,
        lang: 'en',
        controls: [],
        images: [],
        svgs: [],
        links: [],
      });
      expect(a.title).toMatch(/ · eventplane catalog$/);
    }
  });

  it('has text contrast of at least 4.5:1 everywhere, computed from the rendered styles', () => {
    let checked = 0;
    for (const p of crawl.pages.values()) {
      if (!p.contrast) continue;
      checked += p.contrast.checked;
      expect({ url: p.url, failures: p.contrast.failures }).toEqual({ url: p.url, failures: [] });
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('has text contrast of at least 4.5:1 in dark mode too', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const path of ['index.html', 'systems/shop/index.html', 'systems/shop/services/order.html', 'systems/shop/events/OrderCreated.html']) {
      await page.goto(httpRoot + path);
      await page.evaluate('document.querySelectorAll("details").forEach((d) => { d.open = true; })');
      const report = (await page.evaluate('window.__catalogChecks.contrastFailures(4.5)')) as { checked: number; failures: unknown[] };
      expect(report.checked).toBeGreaterThan(50);
      expect({ path, failures: report.failures }).toEqual({ path, failures: [] });
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  it('finds an event by name, by routing key and by payload field, and opens it with the keyboard', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    await page.goto(`${httpRoot}index.html`);
    const results = page.locator('#search-results a');

    await page.fill('#search-input', 'OrderCreated');
    await expect.poll(() => results.first().locator('.r-name').textContent()).toBe('OrderCreated');

    await page.fill('#search-input', 'shop.payment.failed');
    await expect.poll(() => results.first().locator('.r-name').textContent()).toBe('PaymentFailed');
    expect(await results.first().locator('.r-meta').textContent()).toContain('shop.payment.failed');

    await page.fill('#search-input', 'unitPrice');
    await expect.poll(() => results.first().locator('.r-name').textContent()).toBe('OrderCreated');
    expect(await results.first().locator('.r-meta').textContent()).toContain('field lines[].unitPrice');

    await page.fill('#search-input', 'shop-payments');
    await expect.poll(() => results.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('PaymentSucceeded')]));

    await page.fill('#search-input', 'no-such-thing-anywhere');
    await expect.poll(() => page.locator('#search-results .r-empty').textContent()).toContain('No event, service or field matches');

    await page.fill('#search-input', 'send.email');
    await expect.poll(() => results.first().locator('.r-name').textContent()).toBe('SendEmail');
    await page.locator('#search-input').press('Enter');
    await page.waitForURL(/systems\/saas\/events\/SendEmail\.html$/);
    expect(await page.locator('h1').textContent()).toBe('SendEmail');

    // The header search on a nested page loads the index relative to the site root.
    await page.locator('#search-input').fill('LowStock');
    await expect.poll(() => results.first().getAttribute('href')).toBe('../../../systems/shop/events/LowStockAlert.html');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('searches from file:// and from a ?q= deep link', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    await page.goto(`${fileRoot}index.html?q=price_changed`);
    await expect.poll(() => page.locator('#search-results a .r-name').first().textContent()).toBe('ProductPriceChanged');
    await page.locator('#search-results a').first().click();
    await page.waitForURL(/ProductPriceChanged\.html$/);
    expect(page.url().startsWith('file://')).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('draws a flow graph per system whose nodes link to the services', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    for (const system of systems) {
      await page.goto(`${httpRoot}systems/${system.name}/index.html`);
      const svg = page.locator('figure.flow svg.flow-graph');
      await expect.poll(() => svg.count()).toBe(1);
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(80);
      const labels = await svg.locator('a.fg-node text:first-of-type').allTextContents();
      const active = system.services.filter((s) => s.sends.length > 0 || s.receives.length > 0).map((s) => s.name);
      expect(labels).toEqual(expect.arrayContaining([...active, ...system.exchanges.map((x) => x.name)]));
    }
    await page.goto(`${httpRoot}systems/saas/index.html`);
    await page.locator('a.fg-node.fg-producer', { hasText: 'users' }).click();
    await page.waitForURL(/systems\/saas\/services\/users\.html$/);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('is readable on a phone: no page scrolls sideways, tables and graphs scroll inside their boxes', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['index.html', 'systems/shop/index.html', 'systems/shop/services/order.html', 'systems/shop/events/OrderCreated.html']) {
      await page.goto(httpRoot + path);
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect({ path, width }).toEqual({ path, width: 390 });
    }
    await page.screenshot({ path: join(SHOTS, 'phone-event.png'), fullPage: false });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('captures screenshots of the index, a system, a service and an event', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser.context, problems);
    const shots: [string, string][] = [
      ['index.png', 'index.html'],
      ['system.png', 'systems/shop/index.html'],
      ['service.png', 'systems/shop/services/order.html'],
      ['event.png', 'systems/shop/events/OrderCreated.html'],
    ];
    for (const [file, path] of shots) {
      await page.goto(httpRoot + path);
      await page.screenshot({ path: join(SHOTS, file), fullPage: true });
      const png = readFileSync(join(SHOTS, file));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000);
    }
    await page.close();
    expect(problems).toEqual([]);
  });
});
