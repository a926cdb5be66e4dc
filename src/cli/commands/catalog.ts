import { formatDiagnostic } from '../../compiler/index.js';
import { buildCatalog, OutputDirectoryError, serveCatalog } from '../../catalog/index.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../shared/user-error.js';

const usage = `Usage: eventplane catalog [--spec DIR] [--out DIR] [--serve [--port N]] [--no-history] [--validate]

Builds the event catalog — a static site of every system, service and event, with search,
payload tables, examples, queues, retry and dead-letter policies, broker permissions, flow
graphs and version history — from the contracts. Open index.html from disk, or serve it.

Options:
  --spec DIR      contract directory (default asyncapi)
  --out DIR       output directory (default dist/catalog); only a directory the catalog wrote
                  before is replaced
  --serve         serve the catalog on 127.0.0.1 after building, until Ctrl-C
  --port N        port for --serve (default 0: any free port; the URL is printed)
  --no-history    skip reading the specs' git history
  --validate      also validate every document against the AsyncAPI schema with
                  @asyncapi/parser and every example against its schema (\`eventplane generate\`
                  and CI already do; YAML, $ref and platform-rule problems are always reported)`;

const progress = (line: string): void => {
  process.stderr.write(`  ${line}\n`);
};

export const command: Command = {
  summary: 'build (and optionally serve) the static event catalog site from the contracts',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        spec: { type: 'string' },
        out: { type: 'string' },
        serve: { type: 'boolean' },
        port: { type: 'string' },
        'no-history': { type: 'boolean' },
        validate: { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length > 0) throw new UserError(`unexpected argument ${positionals[0]}\n\n${usage}`);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be an integer from 0 to 65535, got ${values.port}`);
    if (values.port !== undefined && !values.serve) throw new UserError('--port only applies with --serve');
    const specDir = values.spec ?? 'asyncapi';
    const outDir = values.out ?? 'dist/catalog';

    let result;
    try {
      result = await buildCatalog({ specDir, outDir, history: !values['no-history'], validate: values.validate ?? false, onProgress: progress });
    } catch (error) {
      if (error instanceof OutputDirectoryError) throw new UserError(error.message);
      throw error;
    }
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (!result.ok) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      throw new UserError(`the contracts have ${errors} error${errors === 1 ? '' : 's'}; the catalog was not built`);
    }
    process.stdout.write(`Catalog: ${result.events} events, ${result.services} services, ${result.systems} systems → ${outDir}/index.html (${Math.round(result.timings.totalMs)} ms)\n`);
    if (!values.serve) return 0;

    const server = await serveCatalog(outDir, port).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new UserError(`port ${port} is in use; pick another with --port or use --port 0`);
      throw error;
    });
    process.stdout.write(`Serving the catalog at ${server.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
