/**
 * `npm run bench` — the benchmark harness. Runs every section in bench/sections/ against one
 * RabbitMQ node: its own (started on free ports and removed afterwards) unless AMQP_URL points at
 * one (an administrator URL including the vhost to use). Prints one table with ratios against the
 * baselines measured in the same run, draws docs/bench/<section>.svg, and with `--json FILE`
 * writes the figures (each section contributes its top-level keys).
 *
 *   --json FILE       write the figures as JSON
 *   --only NAME       run one section (repeatable)
 *   --quick           fewer rounds and messages (smoke run; figures are noisier)
 *   --no-svg          do not redraw docs/bench/*.svg
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalCluster, type LocalCluster } from '../src/local-cluster/local-cluster.js';
import type { BenchContext, BenchSection, SectionResult, TableRow } from './harness.js';
import { barChartSvg } from './svg-chart.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    only: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    'no-svg': { type: 'boolean', default: false },
  },
});

async function loadSections(): Promise<BenchSection[]> {
  const dir = join(here, 'sections');
  const files = readdirSync(dir).filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'));
  const sections: BenchSection[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { section?: BenchSection };
    if (!module.section) throw new Error(`bench/sections/${file} does not export \`section\``);
    sections.push(module.section);
  }
  sections.sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.name.localeCompare(b.name));
  const only = values.only;
  if (only && only.length > 0) {
    const unknown = only.filter((name) => !sections.some((s) => s.name === name));
    if (unknown.length > 0) throw new Error(`unknown section(s): ${unknown.join(', ')} (have: ${sections.map((s) => s.name).join(', ')})`);
    return sections.filter((s) => only.includes(s.name));
  }
  return sections;
}

async function brokerContext(): Promise<{ context: Omit<BenchContext, 'log' | 'quick' | 'prefix'>; cluster?: LocalCluster }> {
  const external = process.env['AMQP_URL'];
  if (external) {
    const vhost = decodeURIComponent(new URL(external).pathname.slice(1)) || '/';
    log(`using the broker at AMQP_URL (vhost ${vhost})`);
    return { context: { amqpUrl: external, vhost, management: undefined } };
  }
  log('starting a RabbitMQ node for this run…');
  const cluster = await startLocalCluster({ nodes: 1, onProgress: log });
  const management = cluster.management();
  const vhost = 'bench';
  await management.putVhost(vhost);
  await management.putPermissions(vhost, cluster.admin.username, { configure: '.*', write: '.*', read: '.*' });
  return { context: { amqpUrl: cluster.amqpUrl({ vhost }), vhost, management }, cluster };
}

function printTable(rows: readonly TableRow[]): void {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  const header = ['section', 'metric', ...columns, 'ratio', 'target', ''];
  const body = rows.map((row) => [
    row.section,
    `${row.metric} (${row.unit})`,
    ...columns.map((c) => formatNumber(row.values[c])),
    row.ratio ? `${row.ratio.value.toFixed(2)}×` : '',
    row.ratio?.target ?? '',
    row.ratio ? (row.ratio.met ? 'ok' : 'MISSED') : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n\n`);
}

function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

async function main(): Promise<number> {
  const sections = await loadSections();
  const { context: base, cluster } = await brokerContext();
  const cleanup = async () => {
    if (cluster) {
      log('stopping the benchmark node');
      await cluster.destroy();
    }
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  const json: Record<string, unknown> = {};
  const rows: TableRow[] = [];
  const started = Date.now();
  try {
    for (const section of sections) {
      log(`section ${section.name}: ${section.title}`);
      const context: BenchContext = {
        ...base,
        prefix: `bench-${section.name}-${randomBytes(3).toString('hex')}`,
        quick: values.quick ?? false,
        log: (line) => log(`${section.name}: ${line}`),
      };
      const result: SectionResult = await section.run(context);
      Object.assign(json, result.json);
      rows.push(...result.rows);
      if (result.chart && !values['no-svg']) {
        const file = join(root, 'docs', 'bench', `${section.name}.svg`);
        mkdirSync(dirname(file), { recursive: true });
        const subtitle = `npm run bench, ${new Date().toISOString().slice(0, 10)}, medians of the rounds in one run on one broker`;
        writeFileSync(file, barChartSvg(result.chart.title, result.chart.panels, subtitle));
        log(`chart written to ${file.slice(root.length + 1)}`);
      }
    }
  } finally {
    await cleanup();
  }
  printTable(rows);
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify(json, null, 2)}\n`);
    log(`figures written to ${values.json}`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

process.exitCode = await main();
