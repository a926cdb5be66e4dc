/**
 * `npm run bench:catalog` — how long the event catalog takes to build for the synthetic
 * 1000-channel contract set, and how big it is, against @asyncapi/html-template (through
 * @asyncapi/generator 2.x) on the same documents in the same run.
 *
 *   --channels N    synthetic channels (default 1000)
 *   --runs N        in-process eventplane builds; the median is reported (default 3)
 *   --json FILE     also write the figures as JSON
 *   --svg FILE      the comparison chart (default docs/bench/catalog.svg)
 *   --no-baseline   skip html-template (quick runs while working on the catalog)
 *
 * Fairness: html-template runs in this process with its shipped pre-transpiled template
 * (`compile: false`), one document after another, so it pays neither process start-up nor
 * Babel; eventplane's headline figure is the cold CLI (`node bin/eventplane.js catalog`,
 * process start-up included). The baseline's template is the locally installed package,
 * referenced by path, and every outbound connection is refused while it runs.
 */
import { spawnSync } from 'node:child_process';
import dns from 'node:dns';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCatalog, type BuildCatalogResult } from '../src/catalog/index.js';
import { writeSyntheticSpecs } from './synthetic-spec.js';

const { values } = parseArgs({
  options: {
    channels: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
    svg: { type: 'string', default: 'docs/bench/catalog.svg' },
    'no-baseline': { type: 'boolean', default: false },
  },
});
const channels = Number(values.channels);
const runs = Math.max(1, Number(values.runs));
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function dirSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
    files++;
  }
  return { bytes, files };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Refuses every non-loopback connection and lookup while `fn` runs; returns what was tried. */
async function offline<T>(fn: () => Promise<T>): Promise<{ result: T; attempts: string[] }> {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const local = (host: unknown): boolean => host === undefined || host === 'localhost' || host === '127.0.0.1' || host === '::1';
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; path?: string } | number | string;
    const host = typeof first === 'object' && first !== null ? (first.path ? 'localhost' : first.host) : typeof args[1] === 'string' ? args[1] : undefined;
    if (!local(host)) {
      attempts.push(`connect ${String(host)}`);
      throw new Error(`network disabled during the benchmark (tried ${String(host)})`);
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  (dns as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) => {
    attempts.push(`lookup ${host}`);
    const cb = rest[rest.length - 1] as (err: Error) => void;
    cb(new Error(`network disabled during the benchmark (lookup ${host})`));
  };
  try {
    return { result: await fn(), attempts };
  } finally {
    net.Socket.prototype.connect = connect;
    (dns as { lookup: unknown }).lookup = lookup;
  }
}

interface GeneratorInstance {
  generateFromFile(path: string): Promise<void>;
}
type GeneratorClass = new (template: string, out: string, options: Record<string, unknown>) => GeneratorInstance;

async function runHtmlTemplate(documents: readonly string[], outDir: string): Promise<{ ms: number; attempts: string[] }> {
  const require = createRequire(import.meta.url);
  const templateDir = dirname(require.resolve('@asyncapi/html-template/package.json'));
  statSync(join(templateDir, '__transpiled')); // the shipped pre-transpiled template must be there
  // Loading the generator is part of its cost, as starting our CLI is part of ours.
  const start = performance.now();
  const { result, attempts } = await offline(async () => {
    const Generator = require('@asyncapi/generator') as GeneratorClass;
    for (const [i, doc] of documents.entries()) {
      const out = join(outDir, relative(dirname(dirname(doc)), doc).replace(/\.yaml$/, ''));
      mkdirSync(out, { recursive: true });
      const generator = new Generator(templateDir, out, { forceWrite: true, install: false, compile: false, templateParams: {} });
      await generator.generateFromFile(doc);
      if ((i + 1) % 10 === 0 || i + 1 === documents.length) log(`  html-template: ${i + 1}/${documents.length} documents, ${seconds(performance.now() - start)}`);
    }
    return performance.now() - start;
  });
  return { ms: result, attempts };
}

function chart(rows: readonly { label: string; ms: number; bytes?: number; note: string }[], title: string): string {
  const max = Math.max(...rows.map((r) => r.ms));
  const sized = rows.filter((r) => r.bytes !== undefined);
  const maxBytes = Math.max(...sized.map((r) => r.bytes!));
  const W = 860;
  const left = 230;
  const barW = W - left - 230;
  const rowH = 45;
  const top = 70;
  const H = top + 80 + (rows.length + sized.length) * rowH + 20;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="t d">`,
    `<title id="t">${esc(title)}</title><desc id="d">${esc(rows.map((r) => `${r.label.trim()}: ${seconds(r.ms)}${r.bytes === undefined ? '' : `, ${mib(r.bytes)}`}`).join('; '))}</desc>`,
    '<style>text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1a202c}.h{font-weight:700;font-size:15px}.m{fill:#4a5568;font-size:12px}</style>',
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text class="h" x="20" y="30">${esc(title)}</text>`,
    `<text class="m" x="20" y="50">Lower is better. Same synthetic contracts, same machine, same run.</text>`,
  ];
  type Row = (typeof rows)[number];
  const section = (y0: number, heading: string, list: readonly Row[], value: (r: Row) => number, max: number, fmt: (r: Row) => string) => {
    out.push(`<text class="h" x="20" y="${y0}">${heading}</text>`);
    list.forEach((r, i) => {
      const y = y0 + 14 + i * rowH;
      const w = Math.max(2, (value(r) / max) * barW);
      out.push(
        `<text x="${r.label.startsWith(' ') ? 36 : 20}" y="${y + 17}">${esc(r.label.trim())}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="24" rx="4" fill="${r.label.startsWith('@') ? '#9aa5b8' : '#2453b8'}"/>`,
        `<text x="${left + w + 8}" y="${y + 17}">${esc(fmt(r))}</text>`,
      );
    });
  };
  section(top + 20, 'Build time', rows, (r) => r.ms, max, (r) => `${seconds(r.ms)}${r.note ? ` ${r.note}` : ''}`);
  section(top + 60 + rows.length * rowH, 'Output size', sized, (r) => r.bytes!, maxBytes, (r) => mib(r.bytes!));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-catalog-'));
  try {
    const specDir = join(work, 'asyncapi');
    const layout = await writeSyntheticSpecs(specDir, channels);
    log(`synthetic contracts: ${layout.channels} channels, ${layout.services} services, ${layout.systems} systems, ${layout.files} files in ${specDir}`);

    // eventplane in process: the median of `runs` builds (the first one is cold).
    const builds: Extract<BuildCatalogResult, { ok: true }>[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(work, `eventplane-${i}`);
      const r = await buildCatalog({ specDir, outDir: out });
      if (!r.ok) throw new Error(`the synthetic contracts did not load:\n${r.diagnostics.slice(0, 5).map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`).join('\n')}`);
      builds.push(r);
      log(`  eventplane build ${i + 1}/${runs}: ${seconds(r.timings.totalMs)} (load ${seconds(r.timings.loadMs)}, history ${seconds(r.timings.historyMs)}, render ${seconds(r.timings.renderMs)}, write ${seconds(r.timings.writeMs)})`);
    }
    const mid = builds.find((b) => b.timings.totalMs === median(builds.map((b) => b.timings.totalMs)))!;
    const ours = dirSize(join(work, 'eventplane-0'));

    // eventplane as a user runs it: a fresh process through the CLI.
    const cliOut = join(work, 'eventplane-cli');
    const cliStart = performance.now();
    const cli = spawnSync(process.execPath, [resolve('bin/eventplane.js'), 'catalog', '--spec', specDir, '--out', cliOut], { encoding: 'utf8' });
    const cliMs = performance.now() - cliStart;
    if (cli.status !== 0) throw new Error(`eventplane catalog failed:\n${cli.stderr}`);
    log(`  eventplane CLI (cold process): ${seconds(cliMs)}`);

    let baseline: { ms: number; bytes: number; files: number; attempts: string[] } | undefined;
    if (!values['no-baseline']) {
      const documents = readdirSync(specDir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.yaml') && !e.parentPath.includes('_shared'))
        .map((e) => join(e.parentPath, e.name))
        .sort();
      log(`@asyncapi/html-template on the same ${documents.length} service documents…`);
      const outDir = join(work, 'html-template');
      const r = await runHtmlTemplate(documents, outDir);
      baseline = { ms: r.ms, ...dirSize(outDir), attempts: r.attempts };
    }

    const target = { maxSeconds: 5, minRatio: 10 };
    const ratioCli = baseline ? baseline.ms / cliMs : undefined;
    const ratioInProcess = baseline ? baseline.ms / mid.timings.totalMs : undefined;
    const rows: [string, string, string, string][] = [
      ['tool', 'build time', 'output', 'files'],
      ['eventplane catalog (CLI, cold)', seconds(cliMs), mib(ours.bytes), ours.files.toLocaleString('en-US')],
      [`eventplane catalog (in process, median of ${runs})`, seconds(mid.timings.totalMs), '', ''],
      ['  read contracts, build the model', seconds(mid.timings.loadMs), '', ''],
      ['  read git history', seconds(mid.timings.historyMs), '', ''],
      ['  render pages, graphs, index', seconds(mid.timings.renderMs), '', ''],
      ['  write files', seconds(mid.timings.writeMs), '', ''],
    ];
    if (baseline) rows.push(['@asyncapi/html-template 3.5.6 (in process)', seconds(baseline.ms), mib(baseline.bytes), baseline.files.toLocaleString('en-US')]);
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    const lines = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
    lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('   '));
    process.stdout.write(`\nCatalog build, ${layout.channels} channels / ${layout.services} services / ${layout.systems} systems\n\n${lines.join('\n')}\n\n`);
    process.stdout.write(`eventplane CLI ≤ ${target.maxSeconds} s: ${cliMs <= target.maxSeconds * 1000 ? 'yes' : 'NO'} (${seconds(cliMs)})\n`);
    if (baseline) {
      process.stdout.write(`html-template / eventplane: ${ratioCli!.toFixed(1)}× against the cold CLI, ${ratioInProcess!.toFixed(1)}× in process (target ≥ ${target.minRatio}×: ${ratioCli! >= target.minRatio ? 'yes' : 'NO'})\n`);
      process.stdout.write(`html-template network attempts refused: ${baseline.attempts.length}\n`);
    }

    const figures = {
      benchmark: 'catalog',
      date: new Date().toISOString(),
      node: process.version,
      synthetic: layout,
      eventplane: {
        cliColdMs: Math.round(cliMs),
        inProcessMedianMs: Math.round(mid.timings.totalMs),
        phasesMs: Object.fromEntries(Object.entries(mid.timings).map(([k, v]) => [k, Math.round(v)])),
        runsMs: builds.map((b) => Math.round(b.timings.totalMs)),
        outputBytes: ours.bytes,
        outputFiles: ours.files,
      },
      ...(baseline
        ? {
            htmlTemplate: { version: '3.5.6', generator: '2.11.0', ms: Math.round(baseline.ms), outputBytes: baseline.bytes, outputFiles: baseline.files, networkAttempts: baseline.attempts },
            ratio: { againstCli: Number(ratioCli!.toFixed(2)), inProcess: Number(ratioInProcess!.toFixed(2)) },
          }
        : {}),
      target,
    };
    if (values.json) {
      mkdirSync(dirname(resolve(values.json)), { recursive: true });
      writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
      log(`figures written to ${values.json}`);
    }
    if (baseline && values.svg) {
      const svgRows = [
        { label: 'eventplane catalog', ms: cliMs, bytes: ours.bytes, note: '(cold CLI)' },
        { label: '  of which render + write', ms: mid.timings.renderMs + mid.timings.writeMs, note: '(from the loaded model)' },
        { label: '@asyncapi/html-template', ms: baseline.ms, bytes: baseline.bytes, note: `(${ratioCli!.toFixed(1)}× the CLI)` },
      ];
      mkdirSync(dirname(resolve(values.svg)), { recursive: true });
      writeFileSync(values.svg, chart(svgRows, `Event catalog build: ${layout.channels} channels, ${layout.services} services`));
      log(`chart written to ${values.svg}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
