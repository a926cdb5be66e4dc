/**
 * `npm run bench:codegen` — how long `eventplane generate` takes, and how much memory it peaks
 * at, on synthetic contract sets of 50, 200 and 1000 channels, against @asyncapi/parser's parse
 * of the same documents measured in the same run.
 *
 *   --sizes LIST    channel counts (default 50,200,1000)
 *   --runs N        runs of each measurement; medians are reported (default 3)
 *   --json FILE     also write the figures as JSON
 *   --svg FILE      the chart (default docs/bench/codegen.svg)
 *
 * Each measurement is a fresh process, so module loading is counted on both sides and peak RSS
 * (worker threads included) belongs to that measurement alone. Measurements alternate so drift
 * in machine load hits all alike.
 *
 * - parse: `new Parser()` and `parser.parse(text, { source })` for every service document, one
 *   after another: what a tool built on the parser pays before it does anything.
 * - generate: everything `eventplane generate` does (`loadContracts` + `emitAll` + writing the
 *   files), cold: no parser cache, default parser threads. The headline ratio.
 * - generate, 1 thread: cold, every document validated on the main thread.
 * - generate, warm: the parser cache primed by an earlier run and nothing changed since.
 * - generate, 1 edit: warm, but one document edited before the run (the everyday case); the
 *   synthetic services reference each other in a ring, so every document of its system is
 *   validated again.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './harness.js';
import { barChartSvg } from './svg-chart.js';
import { writeSyntheticSpecs, type SyntheticLayout } from './synthetic-spec.js';

type Mode = 'parse' | 'generate' | 'generate-1' | 'generate-warm' | 'generate-edit';
const MODES: readonly Mode[] = ['parse', 'generate', 'generate-1', 'generate-warm', 'generate-edit'];

interface Sample {
  readonly wallMs: number;
  /** User + system CPU of the whole process (worker threads included): steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  readonly phases?: Readonly<Record<string, number>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/** Service documents as the compiler finds them: `<system>/<service>.yaml`, `_` for libraries. */
function serviceFiles(specDir: string): string[] {
  const files: string[] = [];
  for (const system of readdirSync(specDir, { withFileTypes: true })) {
    if (!system.isDirectory() || system.name.startsWith('_') || system.name.startsWith('.')) continue;
    for (const file of readdirSync(join(specDir, system.name)).sort()) {
      if (/\.(ya?ml|json)$/.test(file) && !file.startsWith('_')) files.push(resolve(specDir, system.name, file));
    }
  }
  return files.sort();
}

/** One measurement, in this (fresh) process; prints a Sample as JSON. */
async function child(mode: Mode, specDir: string, outDir: string, cacheDir: string): Promise<void> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  if (mode === 'parse') {
    const { Parser } = await import('@asyncapi/parser');
    const parser = new Parser();
    for (const file of serviceFiles(specDir)) {
      const { document, diagnostics } = await parser.parse(readFileSync(file, 'utf8'), { source: file });
      if (!document) throw new Error(`${file} did not parse: ${diagnostics.find((d) => d.severity === 0)?.message}`);
    }
  } else {
    const { emitAll, loadContracts, formatDiagnostic } = await import('../src/compiler/index.js');
    const { writeOutput } = await import('../src/compiler/output.js');
    const mark = (phase: string) => (phases[phase] = performance.now() - started);
    mark('imported');
    const result = await loadContracts(specDir, {
      threads: mode === 'generate-1' ? 1 : undefined,
      cacheDir: mode === 'generate-warm' || mode === 'generate-edit' ? cacheDir : false,
      // As the CLI does: the emitters load while the documents are parsed.
      preloadEmitters: true,
      onProgress: (phase, done, total) => {
        if (done === total) mark(phase);
      },
    });
    if (!result.model) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const files = await emitAll(result.model);
    mark('emit');
    await writeOutput(outDir, files);
    mark('write');
  }
  const usage = process.resourceUsage();
  const sample: Sample = {
    wallMs: performance.now() - started,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssBytes: usage.maxRSS * 1024,
    phases,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

function measure(mode: Mode, specDir: string, outDir: string, cacheDir: string): Sample {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, '--spec', specDir, '--out', outDir, '--cache', cacheDir];
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${mode} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Sample;
}

interface Row {
  readonly channels: number;
  readonly layout: SyntheticLayout;
  /** Medians per mode. */
  readonly medians: Record<Mode, Sample>;
  readonly samples: Record<Mode, Sample[]>;
}

function medianSample(samples: readonly Sample[]): Sample {
  const phases: Record<string, number> = {};
  for (const key of Object.keys(samples[0]?.phases ?? {})) phases[key] = median(samples.map((s) => s.phases?.[key] ?? 0));
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    maxRssBytes: median(samples.map((s) => s.maxRssBytes)),
    phases,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      spec: { type: 'string' },
      out: { type: 'string' },
      cache: { type: 'string' },
      sizes: { type: 'string', default: '50,200,1000' },
      runs: { type: 'string', default: '3' },
      json: { type: 'string' },
      svg: { type: 'string', default: 'docs/bench/codegen.svg' },
    },
  });
  if (values.child) return child(values.child as Mode, values.spec!, values.out!, values.cache!);

  const sizes = values.sizes.split(',').map(Number);
  const runs = Math.max(1, Number(values.runs));
  const log = (line: string) => process.stderr.write(`[bench:codegen] ${line}\n`);
  const work = mkdtempSync(join(tmpdir(), 'ep-bench-codegen-'));
  const rows: Row[] = [];
  try {
    for (const channels of sizes) {
      const specDir = join(work, `spec-${channels}`);
      const layout = await writeSyntheticSpecs(specDir, channels);
      log(`${channels} channels: ${layout.systems} systems, ${layout.services} services, ${layout.files} files`);
      const samples = Object.fromEntries(MODES.map((m) => [m, [] as Sample[]])) as Record<Mode, Sample[]>;
      const cacheDir = join(work, `cache-${channels}`);
      // Prime the cache the warm runs use.
      measure('generate-warm', specDir, join(work, 'prime'), cacheDir);
      rmSync(join(work, 'prime'), { recursive: true, force: true });
      const edited = join(specDir, 'sys00', 'svc00.yaml');
      for (let run = 1; run <= runs; run++) {
        for (const mode of MODES) {
          if (mode === 'generate-edit') writeFileSync(edited, `${readFileSync(edited, 'utf8')}# edit ${run}\n`);
          const outDir = join(work, `out-${channels}-${mode}-${run}`);
          const sample = measure(mode, specDir, outDir, cacheDir);
          rmSync(outDir, { recursive: true, force: true });
          samples[mode].push(sample);
          log(`  run ${run}/${runs} ${mode.padEnd(13)} ${(sample.wallMs / 1000).toFixed(2)} s wall, ${(sample.cpuMs / 1000).toFixed(2)} s CPU, ${(sample.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
        }
      }
      rows.push({
        channels,
        layout,
        medians: Object.fromEntries(MODES.map((m) => [m, medianSample(samples[m])])) as Record<Mode, Sample>,
        samples,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const s = (ms: number) => (ms / 1000).toFixed(2);
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const ratio = (r: Row, m: Mode) => `${(r.medians[m].wallMs / r.medians.parse.wallMs).toFixed(2)}×`;
  const header = [
    'channels',
    'files',
    'parse s',
    'generate s',
    'ratio',
    '1 thread s',
    'ratio',
    'warm s',
    '1 edit s',
    'parse CPU s',
    'generate CPU s',
    'parse MiB',
    'generate MiB',
  ];
  const table = rows.map((r) => [
    String(r.channels),
    String(r.layout.files),
    s(r.medians.parse.wallMs),
    s(r.medians.generate.wallMs),
    ratio(r, 'generate'),
    s(r.medians['generate-1'].wallMs),
    ratio(r, 'generate-1'),
    s(r.medians['generate-warm'].wallMs),
    s(r.medians['generate-edit'].wallMs),
    s(r.medians.parse.cpuMs),
    s(r.medians.generate.cpuMs),
    mib(r.medians.parse.maxRssBytes),
    mib(Math.max(...MODES.filter((m) => m !== 'parse').map((m) => r.medians[m].maxRssBytes))),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  const lines = [line(header), `|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`, ...table.map(line)];
  const largest = rows.find((r) => r.channels === 1000) ?? rows[rows.length - 1]!;
  const headline = largest.medians.generate.wallMs / largest.medians.parse.wallMs;
  const peak = Math.max(...MODES.filter((m) => m !== 'parse').map((m) => largest.medians[m].maxRssBytes));
  const withinTime = headline <= 1.5;
  const withinMemory = peak < 2 ** 30;
  process.stdout.write(
    [
      `eventplane generate vs @asyncapi/parser parse (medians of ${runs} runs, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}, Node ${process.version})`,
      '',
      ...lines,
      '',
      `target at ${largest.channels} channels: cold generate ≤ 1.5× parse — ${headline.toFixed(2)}× ${withinTime ? 'met' : 'NOT met'}; peak RSS < 1 GiB — ${mib(peak)} MiB ${withinMemory ? 'met' : 'NOT met'}`,
      `cold generate phases at ${largest.channels} channels (s from start): ${Object.entries(largest.medians.generate.phases ?? {})
        .map(([k, v]) => `${k} ${s(v)}`)
        .join(', ')}`,
      '',
    ].join('\n'),
  );

  if (values.json) {
    mkdirSync(dirname(resolve(values.json)), { recursive: true });
    writeFileSync(values.json, `${JSON.stringify({ codegen: { runs, cores: availableParallelism(), node: process.version, rows } }, null, 2)}\n`);
  }
  const series: [Mode, string][] = [
    ['parse', 'parser parse'],
    ['generate', 'generate'],
    ['generate-1', 'generate, 1 thread'],
    ['generate-warm', 'generate, warm'],
    ['generate-edit', 'generate, 1 edit'],
  ];
  const svg = barChartSvg(
    'eventplane generate vs @asyncapi/parser parse',
    [
      {
        title: 'Wall time',
        unit: 's',
        groups: rows.map((r) => ({ label: `${r.channels} ch`, bars: series.map(([m, name]) => ({ series: name, value: r.medians[m].wallMs / 1000 })) })),
      },
      {
        title: 'Peak RSS',
        unit: 'MiB',
        groups: rows.map((r) => ({ label: `${r.channels} ch`, bars: series.map(([m, name]) => ({ series: name, value: r.medians[m].maxRssBytes / 2 ** 20 })) })),
      },
    ],
    `medians of ${runs} runs, ${availableParallelism()} cores; every measurement a fresh process`,
  );
  mkdirSync(dirname(resolve(root, values.svg)), { recursive: true });
  writeFileSync(resolve(root, values.svg), svg);
  log(`chart: ${values.svg}`);
}

await main();
