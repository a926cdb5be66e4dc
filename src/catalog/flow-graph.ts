/**
 * Flow graphs (producer → exchange → queue → consumer) laid out and drawn as SVG at build
 * time: a fixed four-layer graph, crossings reduced by barycentre sweeps, nodes pulled towards
 * their neighbours, edges as Bézier curves. No layout library and nothing runs in the browser.
 */
import { escapeHtml } from './html.js';
import { href } from './site-paths.js';

export type FlowNodeKind = 'producer' | 'exchange' | 'queue' | 'consumer';

export interface FlowNode {
  readonly id: string;
  readonly kind: FlowNodeKind;
  readonly label: string;
  readonly sublabel?: string;
  /** Site-root relative link target (`systems/shop/services/order.html#queues`). */
  readonly link?: string;
  /** Tooltip and accessible description. */
  readonly description: string;
}

export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  /** Tooltip: routing keys, binding keys. */
  readonly description?: string;
  /** Highlighted edges (the event a page is about). */
  readonly emphasis?: boolean;
}

export interface FlowGraph {
  readonly nodes: readonly FlowNode[];
  readonly edges: readonly FlowEdge[];
}

export interface PlacedNode extends FlowNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FlowLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly FlowEdge[];
  readonly width: number;
  readonly height: number;
}

const LAYERS: readonly FlowNodeKind[] = ['producer', 'exchange', 'queue', 'consumer'];
const LAYER_TITLES: Record<FlowNodeKind, string> = { producer: 'Producers', exchange: 'Exchanges', queue: 'Queues', consumer: 'Consumers' };
const CHAR_WIDTH = 7.9;
const MAX_LABEL = 36;
const NODE_HEIGHT = 38;
const NODE_HEIGHT_SUB = 50;
const V_GAP = 14;
const H_GAP = 96;
const PAD = 16;
const HEADER = 34;

const truncate = (s: string): string => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

function textWidth(s: string): number {
  return Math.ceil(truncate(s).length * CHAR_WIDTH);
}

/** Positions every node; deterministic for the same graph. */
export function layoutFlow(graph: FlowGraph): FlowLayout {
  const layers = LAYERS.map((kind) => graph.nodes.filter((n) => n.kind === kind));
  const neighbours = new Map<string, string[]>();
  for (const e of graph.edges) {
    neighbours.set(e.from, [...(neighbours.get(e.from) ?? []), e.to]);
    neighbours.set(e.to, [...(neighbours.get(e.to) ?? []), e.from]);
  }

  // Order within layers: barycentre of the neighbours' ranks, alternating down and up sweeps.
  const rank = new Map<string, number>();
  const setRanks = (layer: readonly FlowNode[]): void => layer.forEach((n, i) => rank.set(n.id, i));
  layers.forEach(setRanks);
  const sweep = (i: number, from: number): void => {
    const fromIds = new Set(layers[from]!.map((n) => n.id));
    const bary = (n: FlowNode): number => {
      const ranks = (neighbours.get(n.id) ?? []).filter((m) => fromIds.has(m)).map((m) => rank.get(m)!);
      return ranks.length === 0 ? rank.get(n.id)! : ranks.reduce((a, b) => a + b, 0) / ranks.length;
    };
    const scored = layers[i]!.map((n) => ({ n, b: bary(n) }));
    scored.sort((a, b) => a.b - b.b || rank.get(a.n.id)! - rank.get(b.n.id)!);
    layers[i] = scored.map((s) => s.n);
    setRanks(layers[i]!);
  };
  for (let iter = 0; iter < 4; iter++) {
    for (let i = 1; i < layers.length; i++) sweep(i, i - 1);
    for (let i = layers.length - 2; i >= 0; i--) sweep(i, i + 1);
  }

  const widths = layers.map((layer, i) => {
    const w = Math.max(textWidth(LAYER_TITLES[LAYERS[i]!]), ...layer.map((n) => Math.max(textWidth(n.label), textWidth(n.sublabel ?? '') * 0.9)));
    return Math.min(300, Math.max(120, w + 28));
  });
  const xs: number[] = [];
  widths.forEach((_, i) => xs.push(i === 0 ? PAD : xs[i - 1]! + widths[i - 1]! + H_GAP));

  const heightOf = (n: FlowNode): number => (n.sublabel ? NODE_HEIGHT_SUB : NODE_HEIGHT);
  const centre = new Map<string, number>();
  // Start stacked, then pull each layer towards its neighbours' centres without overlaps.
  layers.forEach((layer) => {
    let y = HEADER + PAD;
    for (const n of layer) {
      centre.set(n.id, y + heightOf(n) / 2);
      y += heightOf(n) + V_GAP;
    }
  });
  const place = (layer: readonly FlowNode[]): void => {
    if (layer.length === 0) return;
    const desired = layer.map((n) => {
      const cs = (neighbours.get(n.id) ?? []).map((m) => centre.get(m)).filter((c): c is number => c !== undefined);
      return cs.length === 0 ? centre.get(n.id)! : cs.reduce((a, b) => a + b, 0) / cs.length;
    });
    const tops = layer.map((n, i) => desired[i]! - heightOf(n) / 2);
    // Forward pass: no overlap and nothing above the header; backward pass pulls clusters up.
    for (let i = 0; i < layer.length; i++) {
      const min = i === 0 ? HEADER + PAD : tops[i - 1]! + heightOf(layer[i - 1]!) + V_GAP;
      tops[i] = Math.max(tops[i]!, min);
    }
    for (let i = layer.length - 2; i >= 0; i--) {
      const max = tops[i + 1]! - heightOf(layer[i]!) - V_GAP;
      tops[i] = Math.max(i === 0 ? HEADER + PAD : tops[i - 1]! + heightOf(layer[i - 1]!) + V_GAP, Math.min(tops[i]!, max));
    }
    layer.forEach((n, i) => centre.set(n.id, tops[i]! + heightOf(n) / 2));
  };
  // The biggest layer stays stacked; the others are placed around it, twice for stability.
  const anchor = layers.reduce((best, l, i) => (l.length > layers[best]!.length ? i : best), 0);
  for (let iter = 0; iter < 2; iter++) {
    for (let i = anchor + 1; i < layers.length; i++) place(layers[i]!);
    for (let i = anchor - 1; i >= 0; i--) place(layers[i]!);
  }

  const nodes: PlacedNode[] = [];
  layers.forEach((layer, i) => {
    for (const n of layer) {
      const h = heightOf(n);
      nodes.push({ ...n, x: xs[i]!, y: Math.round(centre.get(n.id)! - h / 2), width: widths[i]!, height: h });
    }
  });
  const height = Math.max(HEADER + PAD + NODE_HEIGHT, ...nodes.map((n) => n.y + n.height)) + PAD;
  const width = xs[xs.length - 1]! + widths[widths.length - 1]! + PAD;
  return { nodes, edges: graph.edges, width, height };
}


export interface FlowSvgOptions {
  /** Page (site-root relative) the SVG is embedded in or written to, for relative links. */
  readonly page: string;
  /** Unique within the page: used for ids. */
  readonly id: string;
  readonly title: string;
  /**
   * For a standalone .svg file: the stylesheet to link (relative to the file). Inline graphs
   * are styled by the page's stylesheet.
   */
  readonly standaloneStylesheet?: string;
}

function edgePath(a: PlacedNode, b: PlacedNode): string {
  const x1 = a.x + a.width;
  const y1 = a.y + a.height / 2;
  const x2 = b.x - 6;
  const y2 = b.y + b.height / 2;
  const dx = (x2 - x1) / 2;
  return `M${x1} ${y1}C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`;
}

/** The graph as an accessible SVG: a titled group whose nodes are links with labels. */
export function renderFlowSvg(graph: FlowGraph, options: FlowSvgOptions): string {
  const layout = layoutFlow(graph);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const id = options.id;
  const desc = `${graph.nodes.filter((n) => n.kind === 'producer').length} producers, ${graph.nodes.filter((n) => n.kind === 'exchange').length} exchanges, ${graph.nodes.filter((n) => n.kind === 'queue').length} queues, ${graph.nodes.filter((n) => n.kind === 'consumer').length} consumers.`;
  const out: string[] = [];
  if (options.standaloneStylesheet) out.push(`<?xml-stylesheet type="text/css" href="${escapeHtml(options.standaloneStylesheet)}"?>\n`);
  out.push(
    `<svg${options.standaloneStylesheet ? ' xmlns="http://www.w3.org/2000/svg"' : ''} class="flow-graph" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="group" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${escapeHtml(options.title)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>`,
    `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#8a94a6"/></marker>`,
    `<marker id="${id}-arrow-em" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#3b6fd8"/></marker></defs>`,
  );
  LAYERS.forEach((kind) => {
    const any = layout.nodes.find((n) => n.kind === kind);
    if (any) out.push(`<text class="fg-title" x="${any.x}" y="${PAD + 10}" aria-hidden="true">${LAYER_TITLES[kind]}</text>`);
  });
  out.push('<g class="fg-edges" aria-hidden="true">');
  for (const e of layout.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) continue;
    const tip = e.description ? `<title>${escapeHtml(e.description)}</title>` : '';
    out.push(`<path class="fg-edge${e.emphasis ? ' fg-em' : ''}" d="${edgePath(a, b)}" marker-end="url(#${id}-arrow${e.emphasis ? '-em' : ''})">${tip}</path>`);
  }
  out.push('</g>');
  for (const n of layout.nodes) {
    const rx = n.kind === 'queue' ? 4 : n.kind === 'exchange' ? 18 : 8;
    const textY = n.sublabel ? n.y + 20 : n.y + n.height / 2 + 4.5;
    const body =
      `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="${rx}"/>` +
      `<text x="${n.x + 12}" y="${textY}">${escapeHtml(truncate(n.label))}</text>` +
      (n.sublabel ? `<text class="fg-sub" x="${n.x + 12}" y="${n.y + 38}">${escapeHtml(truncate(n.sublabel))}</text>` : '') +
      `<title>${escapeHtml(n.description)}</title>`;
    const label = escapeHtml(`${n.description}`);
    if (n.link) {
      out.push(`<a class="fg-node fg-${n.kind}" href="${escapeHtml(href(options.page, n.link))}" aria-label="${label}">${body}</a>`);
    } else {
      out.push(`<g class="fg-node fg-${n.kind}" role="img" aria-label="${label}">${body}</g>`);
    }
  }
  out.push('</svg>');
  return out.join('');
}
