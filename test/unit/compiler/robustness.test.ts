/** Hostile input never produces a stack trace: every problem is a diagnostic with a position. */
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../../src/compiler/index.js';
import { eventplane, tempDir, writeFiles } from './support.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const remove of cleanup) await remove();
});

async function specs(label: string, files: Record<string, string>) {
  const d = await tempDir(label);
  cleanup.push(d.remove);
  await writeFiles(d.path, files);
  return d.path;
}

const service = (extra = '') => `asyncapi: 3.0.0
info:
  title: order
  version: 1.0.0
  x-owner: team
${extra}channels:
  orderCreated:
    address: shop.order.created
    messages:
      OrderCreated:
        payload: { type: object }
        examples: [{ payload: {} }]
    bindings:
      amqp: { is: routingKey, exchange: { name: shop.events, type: topic } }
operations:
  publishOrderCreated: { action: send, channel: { $ref: '#/channels/orderCreated' } }
`;

describe('robustness', () => {
  it('reports an empty document, a scalar document and duplicate keys', { timeout: 120_000 }, async () => {
    const dir = await specs('odd', {
      'shop/empty.yaml': '',
      'shop/scalar.yaml': 'just a string\n',
      'shop/dupes.yaml': 'asyncapi: 3.0.0\nasyncapi: 3.0.0\n',
    });
    const result = await loadContracts('.', { cwd: dir });
    expect(result.model).toBeUndefined();
    const at = (file: string) => result.diagnostics.filter((d) => d.file === file && d.severity === 'error');
    expect(at('shop/empty.yaml').length).toBeGreaterThan(0);
    expect(at('shop/scalar.yaml').length).toBeGreaterThan(0);
    expect(at('shop/dupes.yaml')).toContainEqual(expect.objectContaining({ line: 2, rule: 'yaml-syntax' }));
  });

  it('refuses an alias bomb quickly', { timeout: 120_000 }, async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const dir = await specs('bomb', { 'shop/order.yaml': `${service()}x-bomb:\n  ${levels.join('\n  ')}\n` });
    const started = performance.now();
    const result = await loadContracts('.', { cwd: dir });
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ file: 'shop/order.yaml', rule: 'yaml-syntax', severity: 'error' }));
  });

  it('survives deeply nested input', { timeout: 120_000 }, async () => {
    const depth = 5000;
    const dir = await specs('deep', { 'shop/order.yaml': `${service()}x-deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n` });
    const result = await eventplane(['validate', '--spec', '.'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^shop\/order\.yaml:\d+:\d+: error: /m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('handles unicode and large documents', { timeout: 180_000 }, async () => {
    const description = `Ünïcödé 東京 🚀 ${'long text '.repeat(200_000)}`;
    const dir = await specs('large', { 'shop/order.yaml': service(`  description: "${description}"\n`).replace('x-owner: team\n', 'x-owner: team\n') });
    const result = await loadContracts('.', { cwd: dir });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.model).toBeDefined();
  });
});
