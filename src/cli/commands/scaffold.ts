import { formatDiagnostic, loadContracts, summarizeDiagnostics } from '../../compiler/index.js';
import { describeScaffold, scaffoldPlan, writeScaffold } from '../../scaffold/index.js';
import { UserError } from '../../shared/user-error.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

const usage = `Usage: eventplane scaffold <system>/<service> [--spec DIR] [--root DIR]

Creates a service from its contract in the layout of docs/ARCHITECTURE.md ("A service's
files"): main.ts, service.ts (wiring), config.ts, repository.ts, migrations/, routes.ts,
handlers.ts with one stub file per received message under handlers/ (tsc fails on each stub
until it returns its handler), and test/unit/services/<system>/<service>.test.ts on the
in-memory transport (fails until the service handles every message it receives).

Never overwrites a file: run it again after the contract grows and it adds only the missing
handler stubs, and says which. Run \`eventplane generate\` first so the generated client exists.

Options:
  --spec DIR   contract directory (default asyncapi)
  --root DIR   repository root the files are created under (default .)

Exit codes: 0 done, 1 the contracts have errors, a bad argument or an unknown service.`;

export const command: Command = {
  summary: 'create a service (handler stubs, routes, migrations, config, test) from its contract',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { spec: { type: 'string' }, root: { type: 'string' } }, usage);
    if (positionals.length !== 1) throw new UserError(`expected one <system>/<service>\n\n${usage}`);
    // The contracts were validated by generate and CI; scaffolding needs only the model.
    const result = await loadContracts(values.spec ?? 'asyncapi', { validate: false });
    if (!result.model) {
      for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      process.stderr.write(`${summarizeDiagnostics(result.diagnostics)}\n`);
      return 1;
    }
    const plan = scaffoldPlan(result.model, positionals[0]!);
    const written = await writeScaffold(plan, values.root ?? '.');
    process.stdout.write(`${describeScaffold(plan, written)}\n`);
    return 0;
  },
};
