/**
 * `npm run bench:codegen` — how long `eventplane generate` takes, and how much memory it peaks
 * at, on synthetic contract sets of 50, 200 and 1000 channels, against @asyncapi/parser's parse
 * of the same documents measured in the same run.
 *
 *   --sizes LIST    channel counts (default 50,200,1000)
 *   --runs N        runs of each measurement; medians are reported (default 3)
 *   --json FILE     also write the figures as JSON
 *   --svg FILE      the chart (default docs/bench/codegen.svg)
 *   --edit-svg FILE the one-edit chart, before and after (default docs/bench/codegen-edit.svg)
 *   --redraw JSON   only draw the one-edit chart again from a --json file of an earlier run
 *   --baseline REF  also measure the compiler of git REF (default main; '' for none) in the same
 *                   run, at the largest size: its one-edit time and lines changed, as "before"
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
 * - generate, 1 edit: warm, but one field added to one message before the run (the everyday
 *   case), in a fresh process; the synthetic services reference each other in a ring, so every
 *   document of its system is validated again.
 * - watch, 1 edit (largest size): `generate --watch`'s session running; a field is added to one
 *   message and the time from the save to the output written is taken, 5 edits, median. The
 *   same edits give the lines of generated code they change (lines not in the output before).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './harness.js';
import { barChartSvg } from './svg-chart.js';
import { writeSyntheticSpecs, type SyntheticLayout } from './synthetic-spec.js';

type Mode = 'parse' | 'generate' | 'generate-1' | 'generate-warm' | 'generate-edit';
/** Child-only modes: the watch session's edits, and a cold generate (its files kept) for counting lines. */
type ChildMode = Mode | 'watch-edit';
const WATCH_EDITS = 5;
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
async function child(mode: ChildMode, specDir: string, outDir: string, cacheDir: string): Promise<void> {
  if (mode === 'watch-edit') return watchChild(specDir, outDir, cacheDir);
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

/** The document every edit goes to, and the one-field edit number `n` (0: none) applied to it. */
const editedFile = (specDir: string) => join(specDir, 'sys00', 'svc00.yaml');
const EDIT_ANCHOR = '        id: { type: string, format: uuid }\n';

function oneFieldEdit(file: string, n: number): void {
  const text = readFileSync(file, 'utf8').replace(/^ {8}edit\d+: \{ type: string \}\n/m, '');
  const at = text.indexOf(EDIT_ANCHOR) + EDIT_ANCHOR.length;
  if (at < EDIT_ANCHOR.length) throw new Error(`${file} has no line to edit after`);
  writeFileSync(file, n === 0 ? text : `${text.slice(0, at)}        edit${n}: { type: string }\n${text.slice(at)}`);
}

/** Lines of `after` that `before` did not have (as a multiset: a repeated line counts per copy). */
function changedLines(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): number {
  let changed = 0;
  for (const [path, content] of after) {
    const old = new Map<string, number>();
    for (const line of (before.get(path) ?? '').split('\n')) old.set(line, (old.get(line) ?? 0) + 1);
    for (const line of content.split('\n')) {
      const n = old.get(line) ?? 0;
      if (n > 0) old.set(line, n - 1);
      else changed++;
    }
  }
  return changed;
}

function readTree(dir: string, prefix = '', into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) readTree(dir, path, into);
    else into.set(path, readFileSync(join(dir, path), 'utf8'));
  }
  return into;
}

interface WatchSample {
  /** Save → output written, per edit. */
  readonly editMs: number[];
  /** CPU this process spent per edit (its worker threads included): steadier than wall time on a busy machine. */
  readonly cpuMs?: number[];
  /** Lines of generated code each edit changed. */
  readonly lines: number[];
}

/** `generate --watch`'s session: WATCH_EDITS one-field edits, each timed from the save to the output written. */
async function watchChild(specDir: string, outDir: string, cacheDir: string): Promise<void> {
  const { watchContracts } = await import('../src/compiler/watch.js');
  type Outcome = Parameters<Parameters<typeof watchContracts>[0]['onRun']>[0];
  const waiting: ((outcome: Outcome) => void)[] = [];
  const nextRun = () => new Promise<Outcome>((resolve) => waiting.push(resolve));
  const first = nextRun();
  const watcher = watchContracts({ specDir, outDir, cacheDir, onRun: (outcome) => waiting.shift()?.(outcome) });
  const sample = { editMs: [] as number[], cpuMs: [] as number[], lines: [] as number[] };
  try {
    let files = (await first).result?.files;
    if (!files) throw new Error('the first watch run produced no output');
    for (let n = 1; n <= WATCH_EDITS; n++) {
      const run = nextRun();
      const saved = performance.now();
      const cpu = process.cpuUsage();
      oneFieldEdit(editedFile(specDir), n);
      const { result, error } = await run;
      if (!result?.files || !result.written) throw new Error(`edit ${n}: ${String(error ?? result?.diagnostics.map((d) => d.message).join('; '))}`);
      sample.editMs.push(performance.now() - saved);
      const used = process.cpuUsage(cpu);
      sample.cpuMs.push((used.user + used.system) / 1000);
      sample.lines.push(changedLines(files, result.files));
      files = result.files;
    }
    const run = nextRun();
    oneFieldEdit(editedFile(specDir), 0);
    await run;
  } finally {
    await watcher.close();
  }
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

/** One measurement in a fresh process, by this bench file or another tree's (`script`). */
function measure(mode: ChildMode, specDir: string, outDir: string, cacheDir: string, script = fileURLToPath(import.meta.url)): Sample {
  return runChild<Sample>(mode, specDir, outDir, cacheDir, script);
}

function runChild<T>(mode: ChildMode, specDir: string, outDir: string, cacheDir: string, script: string): T {
  const args = ['--import', 'tsx', script, '--child', mode, '--spec', specDir, '--out', outDir, '--cache', cacheDir];
  const result = spawnSync(process.execPath, args, {
    cwd: dirname(dirname(script)),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${mode} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
}

/**
 * The compiler (and this bench) as git `ref` has them, unpacked beside the work directory and
 * sharing this tree's node_modules: the "before" of a change, measured in the same run.
 */
function unpackBaseline(ref: string, work: string): string {
  const dir = join(work, 'baseline');
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', '--format=tar', ref, 'src', 'bench', 'package.json', 'tsconfig.json'], { cwd: root, maxBuffer: 512 * 1024 * 1024 });
  if (archive.status !== 0) throw new Error(`git archive ${ref}: ${archive.stderr.toString()}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr.toString()}`);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'bench', 'codegen.ts');
}

interface Baseline {
  readonly ref: string;
  /** Fresh process, warm cache, one field added: its medians. */
  readonly edit: Sample;
  /** Lines of generated code the one-field edit changed. */
  readonly lines: number;
}

/** The baseline's one-edit time (warm, fresh process, as its users ran it) and the lines a one-field edit changes in its output. */
function measureBaseline(ref: string, script: string, specDir: string, work: string, runs: number, log: (line: string) => void): Baseline {
  const cacheDir = join(work, 'cache-baseline');
  const out = (name: string) => join(work, `out-baseline-${name}`);
  measure('generate-warm', specDir, out('prime'), cacheDir, script);
  const before = readTree(out('prime'));
  const edits: Sample[] = [];
  for (let run = 1; run <= runs; run++) {
    oneFieldEdit(editedFile(specDir), run);
    edits.push(measure('generate-edit', specDir, out(`edit-${run}`), cacheDir, script));
    log(`  baseline ${ref} run ${run}/${runs} generate-edit ${(edits.at(-1)!.wallMs / 1000).toFixed(2)} s wall`);
  }
  oneFieldEdit(editedFile(specDir), 1);
  measure('generate-edit', specDir, out('lines'), cacheDir, script);
  const lines = changedLines(before, readTree(out('lines')));
  oneFieldEdit(editedFile(specDir), 0);
  for (const name of ['prime', 'lines', ...edits.map((_, i) => `edit-${i + 1}`)]) rmSync(out(name), { recursive: true, force: true });
  return { ref, edit: medianSample(edits), lines };
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
      baseline: { type: 'string', default: 'main' },
      'edit-svg': { type: 'string', default: 'docs/bench/codegen-edit.svg' },
      redraw: { type: 'string' },
    },
  });
  if (values.child) return child(values.child as ChildMode, values.spec!, values.out!, values.cache!);
  if (values.redraw) {
    const saved = (JSON.parse(readFileSync(values.redraw, 'utf8')) as { codegen: EditFigures }).codegen;
    writeFileSync(resolve(root, values['edit-svg']), editChartSvg(saved));
    return;
  }

  const sizes = values.sizes.split(',').map(Number);
  const runs = Math.max(1, Number(values.runs));
  const log = (line: string) => process.stderr.write(`[bench:codegen] ${line}\n`);
  const work = mkdtempSync(join(tmpdir(), 'ep-bench-codegen-'));
  const rows: Row[] = [];
  let watched: { channels: number; sample: WatchSample } | undefined;
  let baseline: Baseline | undefined;
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
      // The watch session and the baseline first: the figures the targets are about.
      if (channels === Math.max(...sizes)) {
        const sample = runChild<WatchSample>('watch-edit', specDir, join(work, 'out-watch'), cacheDir, fileURLToPath(import.meta.url));
        rmSync(join(work, 'out-watch'), { recursive: true, force: true });
        const list = (ms: readonly number[] = []) => ms.map((v) => `${(v / 1000).toFixed(2)} s`).join(', ');
        log(`  watch, ${WATCH_EDITS} one-field edits: ${list(sample.editMs)} wall, ${list(sample.cpuMs)} CPU; lines changed ${sample.lines.join(', ')}`);
        watched = { channels, sample };
        if (values.baseline) {
          baseline = measureBaseline(values.baseline, unpackBaseline(values.baseline, work), specDir, work, runs, log);
          log(`  baseline ${values.baseline}: one-field edit changes ${baseline.lines} lines`);
        }
      }
      for (let run = 1; run <= runs; run++) {
        for (const mode of MODES) {
          // The edit run adds field `run`; the others see what the last edit run left (so warm is warm).
          oneFieldEdit(editedFile(specDir), mode === 'generate-edit' ? run : run - 1);
          const outDir = join(work, `out-${channels}-${mode}-${run}`);
          const sample = measure(mode, specDir, outDir, cacheDir);
          rmSync(outDir, { recursive: true, force: true });
          samples[mode].push(sample);
          log(`  run ${run}/${runs} ${mode.padEnd(13)} ${(sample.wallMs / 1000).toFixed(2)} s wall, ${(sample.cpuMs / 1000).toFixed(2)} s CPU, ${(sample.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
        }
      }
      oneFieldEdit(editedFile(specDir), 0);
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
      ...(watched
        ? [
            `target at ${watched.channels} channels: one edit → output written ≤ 1 s (watch, median of ${WATCH_EDITS}) — ${s(median(watched.sample.editMs))} s ${median(watched.sample.editMs) <= 1000 ? 'met' : 'NOT met'}` +
              (watched.sample.cpuMs ? ` (${s(median(watched.sample.cpuMs))} s CPU)` : '') +
              (baseline ? ` (before, ${baseline.ref}: ${s(baseline.edit.wallMs)} s per edit, fresh process with a warm cache)` : ''),
            `target: lines of generated code changed by a one-field edit ≤ 50 — ${median(watched.sample.lines)} ${median(watched.sample.lines) <= 50 ? 'met' : 'NOT met'}` +
              (baseline ? ` (before, ${baseline.ref}: ${baseline.lines})` : ''),
          ]
        : []),
      `cold generate phases at ${largest.channels} channels (s from start): ${Object.entries(largest.medians.generate.phases ?? {})
        .map(([k, v]) => `${k} ${s(v)}`)
        .join(', ')}`,
      '',
    ].join('\n'),
  );

  if (values.json) {
    mkdirSync(dirname(resolve(values.json)), { recursive: true });
    writeFileSync(values.json, `${JSON.stringify({ codegen: { runs, cores: availableParallelism(), node: process.version, rows, watch: watched, baseline } }, null, 2)}\n`);
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
  if (watched) {
    writeFileSync(resolve(root, values['edit-svg']), editChartSvg({ rows, watch: watched, ...(baseline ? { baseline } : {}) }));
    log(`chart: ${values['edit-svg']}`);
  }
}

interface EditFigures {
  readonly rows: readonly Row[];
  readonly watch?: { channels: number; sample: WatchSample };
  readonly baseline?: Baseline;
}

/** One field added to one message at the largest size: time to output written and lines changed, before and after. */
function editChartSvg({ rows, watch, baseline }: EditFigures): string {
  if (!watch) throw new Error('no watch figures to draw');
  const row = rows.find((r) => r.channels === watch.channels);
  const bar = (series: string, value: number | undefined) => (value === undefined ? [] : [{ series, value }]);
  const before = baseline ? `before (${baseline.ref}): generate, fresh process, warm cache` : undefined;
  return barChartSvg(
    `One-field edit at ${watch.channels} channels`,
    [
      {
        title: 'Edit → output written',
        unit: 's',
        groups: [
          {
            label: `${watch.channels} ch`,
            bars: [
              ...(before ? bar(before, baseline!.edit.wallMs / 1000) : []),
              ...bar('after: generate, fresh process, warm cache', row ? row.medians['generate-edit'].wallMs / 1000 : undefined),
              ...bar('after: generate --watch', median(watch.sample.editMs) / 1000),
            ],
          },
        ],
      },
      {
        title: 'Generated lines changed',
        unit: 'lines',
        groups: [
          {
            label: `${watch.channels} ch`,
            bars: [...(before ? bar(before, baseline!.lines) : []), ...bar('after: generate --watch', median(watch.sample.lines))],
          },
        ],
      },
    ],
    `watch: median of ${watch.sample.editMs.length} edits; one machine, same run; target ≤ 1 s and ≤ 50 lines`,
  );
}

await main();
