import { resolve } from 'node:path';
import { formatDiagnostic, summarizeDiagnostics } from '../../compiler/index.js';
import { GenerateSession, type GenerateResult } from '../../compiler/generate.js';
import { checkOutput, OutputConflictError } from '../../compiler/output.js';
import { watchContracts } from '../../compiler/watch.js';
import { generateSummary, reportWatchRun, seconds } from '../watch-report.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { createProgress } from '../progress.js';
import { UserError } from '../../shared/user-error.js';

const usage = `Usage: eventplane generate [--spec DIR] [--out DIR] [--check | --watch] [--verbose] [--no-cache]

Compiles the contracts into typed payloads, validators, clients per service and the broker
topology. Problems are printed as file:line:col: error|warning: message (rule); with an error,
nothing is written.

Options:
  --spec DIR   contract directory (default asyncapi)
  --out DIR    output directory (default generated); only files eventplane wrote are replaced
  --check      write nothing; exit 1 and list the files that are stale, missing or extra
  --watch      generate, then again whenever a file under --spec changes, with one summary
               line per run; a run with errors writes nothing and the watch goes on (Ctrl-C ends it)
  --verbose    progress on stderr even when it is not a terminal
  --no-cache   a full run: validate and compile every document and message again (by default
               results for unchanged documents and messages are reused from
               node_modules/.cache/eventplane; a cache file that is corrupt, from another
               version or half written is ignored and rebuilt)

Exit codes: 0 done (or up to date with --check), 1 errors in the contracts or stale output.`;

async function watch(specDir: string, outDir: string, noCache: boolean): Promise<number> {
  const watcher = watchContracts({
    specDir,
    outDir,
    ...(noCache ? { cacheDir: false as const } : {}),
    onRun: (outcome, changed) =>
      reportWatchRun(
        outcome,
        changed,
        outDir,
        (line) => process.stdout.write(`${line}\n`),
        (line) => process.stderr.write(`${line}\n`),
      ),
  });
  await watcher.ready;
  process.stdout.write(`watching ${specDir} for changes (Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Started by `npm run dev` over IPC: stop with the parent.
    process.once('disconnect', stop);
  });
  await watcher.close();
  return 0;
}

export const command: Command = {
  summary: 'compile the contracts into generated/ (types, validators, clients, topology)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        spec: { type: 'string' },
        out: { type: 'string' },
        check: { type: 'boolean' },
        watch: { type: 'boolean' },
        verbose: { type: 'boolean' },
        'no-cache': { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length > 0) throw new UserError(`unexpected argument ${positionals[0]}\n\n${usage}`);
    const specDir = values.spec ?? 'asyncapi';
    const outDir = values.out ?? 'generated';
    if (resolve(outDir) === resolve(specDir)) throw new UserError('--out must not be the spec directory');
    if (values.check && values.watch) throw new UserError(`--check and --watch do not go together\n\n${usage}`);
    const noCache = values['no-cache'] === true;
    if (values.watch) return watch(specDir, outDir, noCache);

    const progress = createProgress(values.verbose === true);
    const session = new GenerateSession({
      specDir,
      outDir,
      ...(noCache ? { cacheDir: false as const } : {}),
      onProgress: (phase, done, total) => progress.update(phase, done, total),
    });
    let result: GenerateResult;
    try {
      result = await session.run(!values.check);
    } catch (error) {
      if (error instanceof OutputConflictError) throw new UserError(`${error.message}; choose another --out`);
      throw error;
    }
    progress.done();
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (!result.files) {
      process.stderr.write(`${summarizeDiagnostics(result.diagnostics)}; nothing generated\n`);
      return 1;
    }
    await session.save();

    if (values.check) {
      const { missing, stale, extra } = await checkOutput(outDir, result.files);
      if (missing.length + stale.length + extra.length === 0) {
        process.stdout.write(`${outDir} is up to date (${result.files.size} files, ${seconds(result.ms)})\n`);
        return 0;
      }
      const lines = [
        ...stale.map((f) => `  stale    ${outDir}/${f}`),
        ...missing.map((f) => `  missing  ${outDir}/${f}`),
        ...extra.map((f) => `  extra    ${outDir}/${f}`),
      ];
      process.stderr.write(`${outDir} is out of date with ${specDir}:\n${lines.join('\n')}\nrun: eventplane generate --spec ${specDir} --out ${outDir}\n`);
      return 1;
    }
    process.stdout.write(`${generateSummary(result, outDir)}\n`);
    return 0;
  },
};
