import { describe, expect, it } from 'vitest';
import { layoutFlow, renderFlowSvg, type FlowGraph, type PlacedNode } from '../../../src/catalog/flow-graph.js';

function crossings(nodes: readonly PlacedNode[], edges: FlowGraph['edges']): number {
  const at = new Map(nodes.map((n) => [n.id, n]));
  const segs = edges.map((e) => [at.get(e.from)!, at.get(e.to)!] as const);
  let n = 0;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      const [a1, b1] = segs[i]!;
      const [a2, b2] = segs[j]!;
      if (a1.x !== a2.x || b1.x !== b2.x) continue;
      if ((a1.y - a2.y) * (b1.y - b2.y) < 0) n++;
    }
  }
  return n;
}

const node = (id: string, kind: 'producer' | 'exchange' | 'queue' | 'consumer') => ({ id, kind, label: id, description: `${kind} ${id}` });

describe('flow graph layout', () => {
  const graph: FlowGraph = {
    nodes: [node('a', 'producer'), node('b', 'producer'), node('c', 'producer'), node('x', 'exchange'), node('y', 'exchange'), node('q1', 'queue'), node('q2', 'queue'), node('q3', 'queue'), node('s1', 'consumer'), node('s2', 'consumer')],
    edges: [
      { from: 'a', to: 'y' },
      { from: 'b', to: 'x' },
      { from: 'c', to: 'x' },
      { from: 'y', to: 'q3' },
      { from: 'x', to: 'q1' },
      { from: 'x', to: 'q2' },
      { from: 'q1', to: 's2' },
      { from: 'q2', to: 's2' },
      { from: 'q3', to: 's1' },
    ],
  };

  it('puts producers, exchanges, queues and consumers in columns, left to right, without overlaps', () => {
    const layout = layoutFlow(graph);
    const byKind = (k: string) => layout.nodes.filter((n) => n.kind === k);
    const xs = ['producer', 'exchange', 'queue', 'consumer'].map((k) => new Set(byKind(k).map((n) => n.x)));
    expect(xs.every((s) => s.size === 1)).toBe(true);
    const columns = xs.map((s) => [...s][0]!);
    expect([...columns].sort((a, b) => a - b)).toEqual(columns);
    for (const k of ['producer', 'exchange', 'queue', 'consumer']) {
      const col = byKind(k).sort((a, b) => a.y - b.y);
      for (let i = 1; i < col.length; i++) expect(col[i]!.y).toBeGreaterThanOrEqual(col[i - 1]!.y + col[i - 1]!.height);
    }
    for (const n of layout.nodes) {
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('orders nodes to remove the crossings that alphabetical order has', () => {
    const layout = layoutFlow(graph);
    expect(crossings(layout.nodes, graph.edges)).toBe(0);
  });

  it('is deterministic', () => {
    expect(layoutFlow(graph)).toEqual(layoutFlow(graph));
  });

  it('renders an accessible SVG: labelled group, nodes as labelled links, edges hidden from assistive tech', () => {
    const svg = renderFlowSvg(
      { nodes: [{ ...node('order', 'producer'), link: 'systems/shop/services/order.html' }, node('shop.events', 'exchange')], edges: [{ from: 'order', to: 'shop.events', description: 'publishes shop.order.created' }] },
      { page: 'systems/shop/index.html', id: 'g', title: 'Flow of shop' },
    );
    expect(svg).toMatch(/^<svg class="flow-graph" viewBox="0 0 \d+ \d+" width="\d+" height="\d+" role="group" aria-labelledby="g-title g-desc">/);
    expect(svg).toContain('<title id="g-title">Flow of shop</title>');
    expect(svg).toContain('<a class="fg-node fg-producer" href="services/order.html" aria-label="producer order">');
    expect(svg).toContain('<g class="fg-node fg-exchange" role="img" aria-label="exchange shop.events">');
    expect(svg).toContain('<g class="fg-edges" aria-hidden="true">');
    expect(svg).toContain('<title>publishes shop.order.created</title>');
  });
});
