import { formatDiagnostic, loadContracts, summarizeDiagnostics } from '../../compiler/index.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { createProgress } from '../progress.js';
import { UserError } from '../../shared/user-error.js';

const usage = `Usage: eventplane validate [--spec DIR] [--verbose] [--no-cache]

Parses and validates every contract (AsyncAPI 3.0 and 3.1 read natively, 2.0–2.6 converted in
memory; the house rules of docs/CONTRACTS.md at the levels eventplane.config.yaml sets), says
which version each document is, and prints each problem as
file:line:col: error|warning: message (rule). Writes nothing.

Options:
  --spec DIR   contract directory (default asyncapi)
  --verbose    progress on stderr even when it is not a terminal
  --no-cache   validate every document again (by default the parser's verdict on a document
               whose files have not changed is reused from node_modules/.cache/eventplane)

Exit codes: 0 valid (warnings allowed), 1 errors found.`;

export const command: Command = {
  summary: 'check the contracts without generating anything',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { spec: { type: 'string' }, verbose: { type: 'boolean' }, 'no-cache': { type: 'boolean' } }, usage);
    if (positionals.length > 0) throw new UserError(`unexpected argument ${positionals[0]}\n\n${usage}`);
    const progress = createProgress(values.verbose === true);
    const result = await loadContracts(values.spec ?? 'asyncapi', {
      onProgress: (phase, done, total) => progress.update(phase, done, total),
      ...(values['no-cache'] ? { cacheDir: false as const } : {}),
    });
    progress.done();
    for (const doc of result.documents ?? []) {
      const version = doc.version === undefined ? 'no AsyncAPI version' : `AsyncAPI ${doc.version}${doc.convertedTo ? ` (converted to ${doc.convertedTo} in memory)` : ''}`;
      process.stdout.write(`read ${doc.file}: ${version}\n`);
    }
    if (result.config) process.stdout.write(`house rules: ${result.config.extends.join(', ')} (${result.config.file ?? 'no eventplane.config.yaml found'})\n`);
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    const summary = summarizeDiagnostics(result.diagnostics);
    if (!result.model) {
      process.stderr.write(`${summary}\n`);
      return 1;
    }
    const services = result.model.systems.reduce((n, s) => n + s.services.length, 0);
    const messages = result.model.systems.reduce((n, s) => n + s.messages.length, 0);
    process.stdout.write(`valid: ${result.model.systems.length} systems, ${services} services, ${messages} messages (${summary})\n`);
    return 0;
  },
};
