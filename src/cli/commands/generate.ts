import { resolve } from 'node:path';
import { emitAll, formatDiagnostic, loadContracts, summarizeDiagnostics } from '../../compiler/index.js';
import { checkOutput, OutputConflictError, writeOutput } from '../../compiler/output.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { createProgress } from '../progress.js';
import { UserError } from '../../shared/user-error.js';

const usage = `Usage: eventplane generate [--spec DIR] [--out DIR] [--check] [--verbose] [--no-cache]

Compiles the contracts into typed payloads, validators, clients per service and the broker
topology. Problems are printed as file:line:col: error|warning: message (rule); with an error,
nothing is written.

Options:
  --spec DIR   contract directory (default asyncapi)
  --out DIR    output directory (default generated); only files eventplane wrote are replaced
  --check      write nothing; exit 1 and list the files that are stale, missing or extra
  --verbose    progress on stderr even when it is not a terminal
  --no-cache   validate every document again (by default the parser's verdict on a document
               whose files have not changed is reused from node_modules/.cache/eventplane)

Exit codes: 0 done (or up to date with --check), 1 errors in the contracts or stale output.`;

export const command: Command = {
  summary: 'compile the contracts into generated/ (types, validators, clients, topology)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { spec: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' }, verbose: { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
      usage,
    );
    if (positionals.length > 0) throw new UserError(`unexpected argument ${positionals[0]}\n\n${usage}`);
    const specDir = values.spec ?? 'asyncapi';
    const outDir = values.out ?? 'generated';
    if (resolve(outDir) === resolve(specDir)) throw new UserError('--out must not be the spec directory');
    const started = performance.now();
    const progress = createProgress(values.verbose === true);

    const result = await loadContracts(specDir, {
      onProgress: (phase, done, total) => progress.update(phase, done, total),
      // Loading the emitters overlaps with parsing, which mostly runs on worker threads.
      preloadEmitters: true,
      ...(values['no-cache'] ? { cacheDir: false as const } : {}),
    });
    progress.step(`read and validated the contracts in ${specDir}`);
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (!result.model) {
      process.stderr.write(`${summarizeDiagnostics(result.diagnostics)}; nothing generated\n`);
      return 1;
    }
    const files = await emitAll(result.model);
    progress.step(`emitted ${files.size} files`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    if (values.check) {
      const { missing, stale, extra } = await checkOutput(outDir, files);
      progress.done();
      if (missing.length + stale.length + extra.length === 0) {
        process.stdout.write(`${outDir} is up to date (${files.size} files, ${seconds} s)\n`);
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

    let written;
    try {
      written = await writeOutput(outDir, files);
    } catch (error) {
      if (error instanceof OutputConflictError) throw new UserError(`${error.message}; choose another --out`);
      throw error;
    }
    progress.done();
    const changes = [`${written.written.length} written`, `${written.unchanged} unchanged`, ...(written.deleted.length ? [`${written.deleted.length} removed`] : [])];
    process.stdout.write(`generated ${files.size} files in ${outDir} (${changes.join(', ')}) in ${seconds} s\n`);
    return 0;
  },
};
