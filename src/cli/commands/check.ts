import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exitCode } from '../../check/report/check-report.js';
import { formatJson } from '../../check/report/json.js';
import { formatSarif } from '../../check/report/sarif.js';
import { formatText } from '../../check/report/text.js';
import { runCheck } from '../../check/run-check.js';
import { topologyOf } from '../../check/topology-of.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../shared/user-error.js';

const usage = `Usage: eventplane check [--spec DIR] [--base REF] [--format text|json|sarif]
       eventplane check --broker URL [--user U --password P] [--namespace PREFIX] [--base REF]

Checks the contracts and exits 1 when it finds an error:
  breaking changes  compares the contracts with those at a git ref (default: the merge base of
                    HEAD and main) by meaning: JSON Schema aware, for consumers and producers,
                    plus routing, queues, retry and dead-letter policy and the envelope. A change
                    that breaks a deployed consumer or producer fails unless the message got a
                    new major version (OrderCreatedV2).
  routing           simulates every send through the topology: which queues receive it,
                    unroutable sends, queues nobody feeds, shadowed or overlapping bindings,
                    consumers of messages nobody sends.
  drift (--broker)  compares a live broker (management API) with the topology: missing, extra
                    and different exchanges, queues, bindings, policies, users and permissions.
                    With --broker, the breaking-change comparison runs only when --base is given.

Options:
  --spec DIR          contracts directory (default: asyncapi)
  --base REF          git ref to compare with (default: merge-base of HEAD and main)
  --broker URL        management API URL, e.g. http://127.0.0.1:15672
  --user U            management user (default: $EVENTPLANE_BROKER_USER)
  --password P        its password (default: $EVENTPLANE_BROKER_PASSWORD; prefer the variable:
                      arguments are visible to other users of the machine)
  --namespace PREFIX  vhost and user prefix the topology was applied with (local clusters)
  --format FORMAT     text (default), json, or sarif (SARIF 2.1.0 for code scanning)

Exit codes: 0 passed (warnings allowed), 1 errors found, 2 could not check.`;

const options = {
  spec: { type: 'string' },
  base: { type: 'string' },
  broker: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  namespace: { type: 'string' },
  format: { type: 'string' },
} as const;

function toolVersion(): string {
  const path = fileURLToPath(new URL('../../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

export const command: Command = {
  summary: 'Refuse breaking contract changes, simulate routing, detect broker drift',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, options, usage);
    if (positionals.length > 0) throw new UserError(`unexpected argument "${positionals[0]}"\n\n${usage}`, 2);
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UserError(`--format must be text, json or sarif (got "${format}")`, 2);
    const specDir = values.spec ?? 'asyncapi';
    if (!existsSync(specDir)) throw new UserError(`spec directory ${specDir} does not exist`, 2);

    let broker: Parameters<typeof runCheck>[0]['broker'];
    if (values.broker !== undefined) {
      const username = values.user ?? process.env.EVENTPLANE_BROKER_USER;
      const password = values.password ?? process.env.EVENTPLANE_BROKER_PASSWORD;
      if (!username || password === undefined) {
        throw new UserError('--broker needs credentials: --user/--password or EVENTPLANE_BROKER_USER/EVENTPLANE_BROKER_PASSWORD', 2);
      }
      broker = { url: values.broker, username, password, ...(values.namespace ? { namespace: values.namespace } : {}) };
    } else if (values.user !== undefined || values.password !== undefined || values.namespace !== undefined) {
      throw new UserError('--user, --password and --namespace only apply with --broker', 2);
    }
    const compareBase = values.broker === undefined || values.base !== undefined;

    const interactive = process.stderr.isTTY === true;
    const report = await runCheck({
      specDir,
      ...(compareBase ? { base: values.base !== undefined ? { ref: values.base } : {} } : {}),
      ...(broker ? { broker } : {}),
      topology: topologyOf,
      ...(interactive ? { progress: (m: string) => process.stderr.write(`\u001b[2m… ${m}\u001b[22m\n`) } : {}),
    }).catch((error: unknown) => {
      // Everything check cannot do is "could not check" (2), distinct from "found errors" (1).
      if (error instanceof UserError && error.exitCode === 1) throw new UserError(error.message, 2);
      throw error;
    });

    const output =
      format === 'json'
        ? formatJson(report)
        : format === 'sarif'
          ? formatSarif(report, { toolVersion: toolVersion(), fallbackUri: existsSync('generated/topology.json') ? 'generated/topology.json' : specDir })
          : formatText(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR });
    process.stdout.write(output);
    return exitCode(report);
  },
};
