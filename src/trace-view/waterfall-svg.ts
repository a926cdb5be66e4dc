/**
 * One trace drawn as a waterfall: a row per span in parent → child order (children by start
 * time), indented under its parent, labelled with its service and name, a bar from its start to
 * its end on a shared time axis, its duration, and dots for its events (retries, exceptions).
 * Hovering a bar or dot shows its details. Pure: spans in, SVG text out.
 */
import type { SpanRecord } from './otlp-json.js';

const WIDTH = 1200;
const LABEL_WIDTH = 430;
const BAR_LEFT = LABEL_WIDTH + 10;
const BAR_WIDTH = WIDTH - BAR_LEFT - 80;
const ROW = 22;
const TOP = 58;
const INDENT = 14;
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac', '#e15759'];
const KIND = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

interface Row {
  readonly span: SpanRecord;
  readonly depth: number;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Depth-first from the roots (spans whose parent is not in the trace), siblings by start time. */
export function waterfallRows(spans: readonly SpanRecord[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, SpanRecord[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const rows: Row[] = [];
  const visit = (span: SpanRecord, depth: number) => {
    rows.push({ span, depth });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(undefined) ?? []) visit(root, 0);
  return rows;
}

function duration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A round tick step giving about eight ticks over `total` ms. */
function tickStep(total: number): number {
  const raw = Math.max(total, 1) / 8;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw) ?? raw;
}

export function renderWaterfall(title: string, spans: readonly SpanRecord[]): string {
  const rows = waterfallRows(spans);
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const total = Math.max(end - start, 0.001);
  const x = (ms: number) => BAR_LEFT + ((ms - start) / total) * BAR_WIDTH;
  const services = [...new Set(rows.map((r) => r.span.service))];
  const color = (service: string) => PALETTE[services.indexOf(service) % PALETTE.length]!;
  const height = TOP + rows.length * ROW + 46;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${xml(title)}</text>`,
    `<text x="12" y="40" fill="#555">${xml(`trace ${spans[0]?.traceId ?? ''} · ${spans.length} spans · ${services.length} services · ${duration(total)}`)}</text>`,
  );
  const step = tickStep(total);
  for (let t = 0; t <= total + 1e-9; t += step) {
    const tx = x(start + t).toFixed(1);
    out.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${TOP + rows.length * ROW}" stroke="#eee"/>`, `<text x="${tx}" y="${TOP - 9}" fill="#888" font-size="10" text-anchor="middle">${xml(duration(t))}</text>`);
  }
  rows.forEach(({ span, depth }, index) => {
    const y = TOP + index * ROW;
    if (index % 2 === 1) out.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${ROW}" fill="#f7f7f9"/>`);
    const label = `${span.service} · ${span.name}`;
    const maxChars = Math.floor((LABEL_WIDTH - 12 - depth * INDENT) / 6.4);
    const shown = label.length > maxChars ? `${label.slice(0, Math.max(0, maxChars - 1))}…` : label;
    const lx = 12 + depth * INDENT;
    if (depth > 0) out.push(`<path d="M${lx - 9} ${y + 2} V${y + ROW / 2} H${lx - 3}" fill="none" stroke="#bbb"/>`);
    out.push(`<rect x="${lx}" y="${y + 7}" width="8" height="8" rx="2" fill="${color(span.service)}"/>`);
    out.push(`<text x="${lx + 12}" y="${y + 15}">${xml(shown)}</text>`);
    const bx = x(span.startMs);
    const bw = Math.max(1.5, x(span.endMs) - bx);
    const details = [`${span.service} ${span.name}`, `${KIND[span.kind] ?? 'span'} · ${duration(span.endMs - span.startMs)} · starts at ${duration(span.startMs - start)}`, ...Object.entries(span.attributes).map(([k, v]) => `${k}: ${String(v)}`)].join('\n');
    out.push(
      `<rect x="${bx.toFixed(1)}" y="${y + 5}" width="${bw.toFixed(1)}" height="${ROW - 10}" rx="2" fill="${color(span.service)}"${span.status === 2 ? ' stroke="#c0392b" stroke-width="2"' : ''}><title>${xml(details)}</title></rect>`,
      `<text x="${(bx + bw + 4).toFixed(1)}" y="${y + 15}" fill="#555" font-size="10">${xml(duration(span.endMs - span.startMs))}${span.status === 2 ? ' ✗' : ''}</text>`,
    );
    for (const event of span.events) {
      const details = [event.name, ...Object.entries(event.attributes).map(([k, v]) => `${k}: ${String(v)}`)].join('\n');
      out.push(`<circle cx="${x(event.timeMs).toFixed(1)}" cy="${y + ROW / 2}" r="4" fill="${event.name === 'exception' ? '#c0392b' : '#222'}" stroke="#fff"><title>${xml(details)}</title></circle>`);
    }
  });
  let lx = 12;
  const ly = TOP + rows.length * ROW + 28;
  for (const service of services) {
    out.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" rx="2" fill="${color(service)}"/>`, `<text x="${lx + 14}" y="${ly}">${xml(service)}</text>`);
    lx += 24 + service.length * 7;
  }
  out.push(`<text x="${WIDTH - 12}" y="${ly}" fill="#888" text-anchor="end">● span event (retry, redelivery, exception)</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}
