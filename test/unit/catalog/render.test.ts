import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCatalog } from '../../../src/catalog/render.js';
import type { ContractModel } from '../../../src/compiler/model.js';
import { fixtureModel } from '../../fixtures/catalog/model.js';
import { buildTopology } from '../../../src/compiler/emit/topology.js';

const topology = buildTopology(fixtureModel);
const files = renderCatalog({ model: fixtureModel, topology });
const page = (path: string): string => {
  const p = files.get(path);
  if (p === undefined) throw new Error(`no page ${path}`);
  return p;
};
const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('renderCatalog', () => {
  it('writes an index, a page per system, service and event, a flow SVG per system and the search index', () => {
    const services = fixtureModel.systems.flatMap((s) => s.services.map((x) => `systems/${s.name}/services/${x.name}.html`));
    const events = fixtureModel.systems.flatMap((s) => s.messages.map((m) => `systems/${s.name}/events/${m.name}.html`));
    expect([...files.keys()].sort()).toEqual(
      ['index.html', '404.html', 'search-index.js', 'systems/saas/index.html', 'systems/saas/flow.svg', 'systems/shop/index.html', 'systems/shop/flow.svg', ...services, ...events].sort(),
    );
  });

  it('is deterministic', () => {
    const again = renderCatalog({ model: fixtureModel, topology });
    expect([...again]).toEqual([...files]);
  });

  it('links only to pages and anchors that exist', () => {
    const assets = new Set(['assets/catalog.css', 'assets/search.js', 'assets/favicon.svg']);
    const ids = new Map([...files].map(([p, c]) => [p, new Set([...c.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!))]));
    const broken: string[] = [];
    let checked = 0;
    for (const [path, content] of files) {
      if (!path.endsWith('.html') && !path.endsWith('.svg')) continue;
      const base = /<base href="\/">/.test(content) ? '' : posix.dirname(path);
      for (const [, href] of content.replace(/<base [^>]*>/, '').matchAll(/\shref="([^"]+)"/g)) {
        checked++;
        const [target = '', anchor] = href!.split('#');
        const resolved = target === '' ? path : posix.normalize(posix.join(base, target));
        if (!files.has(resolved) && !assets.has(resolved)) broken.push(`${path} → ${href}`);
        else if (anchor !== undefined && !ids.get(resolved)?.has(anchor)) broken.push(`${path} → ${href} (no #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('shows an event: routing key, exchange, payload table, producers, consumers, queues, retry and DLQ', () => {
    const html = page('systems/shop/events/OrderCreated.html');
    const t = text(html);
    expect(html).toMatch(/<h1>OrderCreated<\/h1>/);
    expect(t).toContain('shop.order.created');
    expect(t).toContain('v1.2.0');
    expect(t).toContain('topic exchange');
    // Payload rows with flattened paths and rules.
    for (const path of ['lines[].unitPrice.currency', 'lines[].sku', 'attributes{*}']) expect(html).toContain(`id="field-${path.replace('[]', '-item').replace('{*}', '-key')}"`);
    expect(t).toMatch(/lines\[\]\.\s*sku string required 1–64 chars Stock keeping unit\./);
    expect(t).toMatch(/channel string optional one of web app phone default web/);
    expect(t).toContain('Deprecated.');
    // Envelope headers and an example.
    expect(t).toContain('ce-specversion');
    expect(html).toContain('<span class="j-key">&quot;orderId&quot;</span>: <span class="j-num">100234</span>');
    // Producer, consumers, their queues, the retry ladder and the dead-letter queue.
    expect(html).toContain('href="../services/order.html"');
    expect(t).toMatch(/cart shop-cart onOrderCreated cart\.shop\.order\.created 5 × 1 s → 5 min cart\.shop\.order\.created\.dlq/);
    expect(t).toContain('inventory.shop.order.created');
    expect(t).toContain('wait 4.2 s, retry 2');
    expect(t).toContain('dead-letter-strategy');
    expect(t).toContain('No history was read for this build.');
  });

  it('shows a service: sends, receives, shared queue, broker user and least-privilege permissions', () => {
    const html = page('systems/shop/services/order.html');
    const t = text(html);
    expect(t).toContain('shop-orders');
    expect(t).toMatch(/Sends \(1\)/);
    expect(t).toMatch(/Receives \(2\)/);
    // Two receive operations share one queue: one queue block.
    expect(html.match(/<section class="queue"/g)).toHaveLength(1);
    expect(html).toContain('id="queue-order.payments"');
    expect(t).toContain('Prefetch 20');
    expect(t).toContain('shop-order');
    expect(t).toContain('^$ (nothing)');
    expect(t).toContain('^(?:order\\.dlx|order\\.retry|shop\\.events)$');
    expect(t).toContain('^order\\.payments$');
    expect(t).toContain('^shop\\.order\\.created$');
  });

  it('draws a flow graph per system with producers, exchanges, queues and consumers as links', () => {
    const html = page('systems/saas/index.html');
    expect(html).toMatch(/<svg class="flow-graph"[^>]*role="group" aria-labelledby="system-flow-title system-flow-desc"/);
    for (const label of ['users', 'saas.events', 'saas.commands', 'email.send', 'billing.saas.user.registered', 'email', 'billing']) {
      expect(html).toContain(`>${label}</text>`);
    }
    expect(html).toContain('href="services/email.html#queue-email.send"');
    expect(page('systems/saas/flow.svg')).toMatch(/^<\?xml-stylesheet type="text\/css" href="..\/..\/assets\/catalog.css"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('escapes text from the contracts', () => {
    const hostile: ContractModel = {
      ...fixtureModel,
      systems: fixtureModel.systems.map((s) => ({
        ...s,
        messages: s.messages.map((m) => ({ ...m, summary: '<script>alert(1)</script> & "quotes"' })),
        services: s.services.map((x) => ({ ...x, description: '<img src=x onerror=alert(1)>' })),
      })),
    };
    const out = renderCatalog({ model: hostile, topology });
    for (const [path, content] of out) {
      // The search index is data: the client escapes it when showing results.
      if (path === 'search-index.js') {
        expect(content).not.toContain('</script>');
        continue;
      }
      expect(content).not.toContain('<script>alert(1)');
      expect(content).not.toContain('<img src=x');
    }
    expect(out.get('systems/shop/events/OrderCreated.html')).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });

  it('writes a search index with names, routing keys, owners and field paths', () => {
    const script = page('search-index.js');
    const window: { EVENTPLANE_SEARCH?: { entries: string[][] } } = {};
    new Function('window', script)(window);
    const entries = window.EVENTPLANE_SEARCH!.entries;
    const created = entries.find((e) => e[1] === 'OrderCreated')!;
    expect(created.slice(0, 7)).toEqual(['e', 'OrderCreated', 'Order created', 'shop', 'shop.order.created', 'shop-orders order', 'systems/shop/events/OrderCreated.html']);
    expect(created[7]!.split(' ')).toContain('lines[].unitPrice.currency');
    expect(entries.filter((e) => e[0] === 's')).toHaveLength(8);
    expect(entries.filter((e) => e[0] === 'y').map((e) => e[1])).toEqual(['saas', 'shop']);
  });
});
