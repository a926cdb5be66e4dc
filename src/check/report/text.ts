/**
 * The report for people: grouped by what was checked, then by file, one line per finding with
 * its `file:line:col` (so terminals and editors can jump to it). Coloured only when the caller
 * says the stream is a terminal.
 */
import { createColors } from 'picocolors';
import type { Finding, FindingCategory, Severity } from '../findings.js';
import type { Route } from '../routing/simulate.js';
import { counts, type CheckReport } from './check-report.js';

export interface TextOptions {
  readonly color: boolean;
}

const SECTIONS: ReadonlyArray<[FindingCategory, string]> = [
  ['diagnostic', 'Contracts'],
  ['contract', 'Changes'],
  ['routing', 'Routing'],
  ['drift', 'Drift'],
];

export function formatText(report: CheckReport, options: TextOptions): string {
  const c = createColors(options.color);
  const severity = (s: Severity) => (s === 'error' ? c.red(c.bold('error  ')) : s === 'warning' ? c.yellow('warning') : c.dim('note   '));
  const lines: string[] = [];
  const where = (f: Finding) => (f.location ? `${f.location.line}:${f.location.column}` : '');
  const findingLines = (findings: readonly Finding[]) => {
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) {
      const file = f.location ? `${f.location.file}${f.locatedAtBase ? ' (base)' : ''}` : '';
      byFile.set(file, [...(byFile.get(file) ?? []), f]);
    }
    for (const [file, list] of byFile) {
      if (file !== '') lines.push(`  ${c.cyan(file)}`);
      const width = Math.max(...list.map((f) => where(f).length));
      for (const f of list) {
        const text = `${f.message} ${c.dim(f.rule)}`;
        lines.push(`    ${where(f).padEnd(width)}  ${severity(f.severity)}  ${f.severity === 'note' ? c.dim(text) : text}`);
        if (f.help) lines.push(`    ${' '.repeat(width)}           ${c.green('fix:')} ${f.help}`);
      }
    }
  };

  const head = [`eventplane check ${report.specDir}`];
  if (report.base) head.push(`against ${report.base.label} (${report.base.commit.slice(0, 12)})`);
  if (report.broker) head.push(`and broker ${report.broker.url}`);
  lines.push(c.bold(head.join(' ')));

  for (const [category, title] of SECTIONS) {
    const findings = report.findings.filter((f) => f.category === category);
    let subtitle = '';
    if (category === 'diagnostic' && findings.length === 0) continue;
    if (category === 'contract') {
      if (!report.base && findings.length === 0) continue;
      if (report.base) subtitle = `${plural(report.base.compared, 'message')} compared, ${report.base.added} added, ${report.base.removed} removed`;
    }
    if (category === 'routing') {
      if (!report.routes) continue;
      const deliveries = report.routes.reduce((n, r) => n + r.queues.length, 0);
      subtitle = `${plural(report.routes.length, 'send')}, ${plural(deliveries, 'delivery', 'deliveries')}`;
    }
    if (category === 'drift') {
      if (!report.broker) continue;
      subtitle = `vhosts ${report.broker.vhosts.join(', ') || '(none)'}`;
    }
    lines.push('', `${c.bold(title)}${subtitle ? `  ${c.dim(subtitle)}` : ''}`);
    if (category === 'routing' && report.routes) lines.push(...routeLines(report.routes, c));
    if (findings.length === 0) lines.push(`  ${c.green('✓')} ${category === 'contract' ? 'no changes' : category === 'drift' ? 'no drift' : 'no problems'}`);
    findingLines(findings);
  }

  const total = counts(report.findings);
  const verdict = total.errors > 0 ? c.red(c.bold('failed')) : c.green(c.bold('passed'));
  lines.push('', `${verdict}: ${plural(total.errors, 'error')}, ${plural(total.warnings, 'warning')}, ${plural(total.notes, 'note')}`);
  return `${lines.join('\n')}\n`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function routeLines(routes: readonly Route[], c: ReturnType<typeof createColors>): string[] {
  const lines: string[] = [];
  const byExchange = new Map<string, Route[]>();
  for (const r of routes) byExchange.set(`${r.vhost} ${r.exchange}`, [...(byExchange.get(`${r.vhost} ${r.exchange}`) ?? []), r]);
  for (const [exchange, list] of [...byExchange].sort(([a], [b]) => a.localeCompare(b))) {
    const [vhost, name] = exchange.split(' ');
    lines.push(`  ${c.cyan(`${vhost}/${name}`)}`);
    const width = Math.max(...list.map((r) => r.routingKey.length));
    for (const r of [...list].sort((a, b) => a.routingKey.localeCompare(b.routingKey))) {
      const targets = r.queues.length === 0 ? c.yellow('(no queue)') : r.queues.map((q) => `${q.queue} ${c.dim(`(${q.service})`)}`).join(', ');
      lines.push(`    ${r.routingKey.padEnd(width)}  → ${targets}`);
    }
  }
  return lines;
}
