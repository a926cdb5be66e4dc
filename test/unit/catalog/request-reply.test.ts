/**
 * The catalog shows request and reply as a pair, on both ends: test/fixtures/specs/rpc (checkout
 * asks pricing over direct reply-to and stock through the reply queue its document names).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderCatalog } from '../../../src/catalog/render.js';
import { buildTopology } from '../../../src/compiler/emit/topology.js';
import { loadContracts } from '../../../src/compiler/index.js';
import { fixtures } from '../compiler/support.js';

let files: Map<string, string>;
const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
/** The rows of the "Requests and their replies" table of one service page, as text. */
const pairs = (service: string): string[] => {
  const page = files.get(`systems/lab/services/${service}.html`)!;
  const table = page.slice(page.indexOf('Requests and their replies'));
  return [...table.slice(0, table.indexOf('</table>')).matchAll(/<tr><td>(.*?)<\/tr>/g)].map((m) => text(m[1]!).trim());
};

beforeAll(async () => {
  const { model } = await loadContracts('.', { cwd: join(fixtures, 'rpc') });
  files = renderCatalog({ model: model!, topology: buildTopology(model!) });
}, 120_000);

describe('request/reply in the catalog', () => {
  it('the requester sees each request beside its replies, the other end and the transport', () => {
    expect(pairs('checkout')).toEqual([
      'requester checkStock CheckStock StockLevel stock reply queue lab.stock.replies',
      'requester requestQuote QuotePrice PriceQuoted | PriceUnavailable pricing direct reply-to (amq.rabbitmq.reply-to)',
    ]);
  });

  it('each replier sees the same pair from its side', () => {
    expect(pairs('pricing')).toEqual(['replier onQuotePrice QuotePrice PriceQuoted | PriceUnavailable checkout direct reply-to (amq.rabbitmq.reply-to)']);
    expect(pairs('stock')).toEqual(['replier onCheckStock CheckStock StockLevel checkout reply queue lab.stock.replies']);
  });
});
