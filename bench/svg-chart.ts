/**
 * A small SVG writer for grouped bar charts: one panel per unit (throughput, latency), one group
 * per measurement, one coloured bar per series, values printed on the bars. No dependencies.
 */
import type { ChartPanel } from './harness.js';

const COLOURS = ['#8c96a5', '#2f6fdb', '#e07b39', '#3aa57a', '#9b59b6'];
const PANEL_WIDTH = 420;
const PANEL_HEIGHT = 290;
const MARGIN = { top: 84, right: 16, bottom: 48, left: 64 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const format = (value: number) =>
  value >= 1000 ? `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)}k` : value >= 10 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);

export function barChartSvg(title: string, panels: readonly ChartPanel[], subtitle = ''): string {
  const series = [...new Set(panels.flatMap((p) => p.groups.flatMap((g) => g.bars.map((b) => b.series))))];
  const colour = (name: string) => COLOURS[series.indexOf(name) % COLOURS.length]!;
  const width = panels.length * PANEL_WIDTH;
  const height = PANEL_HEIGHT + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${escape(title)}</text>`,
    `<text x="12" y="40" fill="#555">${escape(subtitle)}</text>`,
  ];
  panels.forEach((panel, index) => parts.push(drawPanel(panel, index * PANEL_WIDTH, colour)));
  // Legend along the bottom.
  let x = 12;
  for (const name of series) {
    parts.push(`<rect x="${x}" y="${height - 22}" width="12" height="12" fill="${colour(name)}"/>`);
    parts.push(`<text x="${x + 16}" y="${height - 12}">${escape(name)}</text>`);
    x += 24 + name.length * 7;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function drawPanel(panel: ChartPanel, offsetX: number, colour: (series: string) => string): string {
  const plotWidth = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1e-9, ...panel.groups.flatMap((g) => g.bars.map((b) => b.value)));
  const scale = niceCeiling(max);
  const out: string[] = [`<g transform="translate(${offsetX},0)">`];
  out.push(`<text x="${MARGIN.left}" y="${MARGIN.top - 18}" font-weight="600">${escape(panel.title)} (${escape(panel.unit)})</text>`);
  const y0 = MARGIN.top + plotHeight;
  for (let i = 0; i <= 4; i++) {
    const value = (scale * i) / 4;
    const y = y0 - (plotHeight * i) / 4;
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y}" y2="${y}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" fill="#555">${format(value)}</text>`);
  }
  const groupWidth = plotWidth / Math.max(1, panel.groups.length);
  panel.groups.forEach((group, g) => {
    const barWidth = Math.min(40, (groupWidth - 16) / Math.max(1, group.bars.length));
    const start = MARGIN.left + g * groupWidth + (groupWidth - barWidth * group.bars.length) / 2;
    group.bars.forEach((bar, b) => {
      const h = (plotHeight * bar.value) / scale;
      const x = start + b * barWidth;
      out.push(`<rect x="${x.toFixed(1)}" y="${(y0 - h).toFixed(1)}" width="${(barWidth - 3).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(bar.series)}"><title>${escape(`${bar.series}: ${bar.value}`)}</title></rect>`);
      out.push(`<text x="${(x + (barWidth - 3) / 2).toFixed(1)}" y="${(y0 - h - 4).toFixed(1)}" text-anchor="middle" font-size="10">${format(bar.value)}</text>`);
    });
    out.push(`<text x="${(MARGIN.left + g * groupWidth + groupWidth / 2).toFixed(1)}" y="${y0 + 18}" text-anchor="middle">${escape(group.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}
