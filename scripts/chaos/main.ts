/**
 * `npm run chaos [-- --quick] [--only a,b] [--json FILE] [--write-docs]`
 * `npm run chaos -- --soak 30m [--rate 500] [--json FILE] [--write-docs]` (not in CI)
 *
 * Runs the chaos scenarios on a local 3-node cluster (bounded in time; stops everything it
 * started), prints progress on stderr and the results table on stdout. Exit 0 when every
 * scenario lost nothing and every duplicate was absorbed, 1 otherwise, 2 when it could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './contract.js';
import { reliabilityMarkdown, reliabilitySvg } from './report.js';
import { chaosJson, failures, runChaos } from './run-chaos.js';
import { parseDuration, soakMarkdown, soakProblems, writeSoakDocs } from './soak/report.js';
import { runSoak } from './soak/run-soak.js';

const usage = `Usage: npm run chaos -- [--quick] [--only NAME,…] [--json FILE] [--write-docs]

  --quick        the CI-sized streams (a few thousand entries) instead of the full 100,000
  --only NAMES   run only these scenarios: kill-node, cluster-restart, kill-consumer,
                 kill-producer, connection-closes, memory-alarm, disk-alarm
  --json FILE    write {"scenarios":[{name, sent, confirmed, delivered, lost, duplicates,
                 absorbed, orderViolations, recovery_ms}]}
  --write-docs   regenerate docs/RELIABILITY.md and docs/reliability.svg from this run

  --soak TIME    the soak profile instead (e.g. 30m, 90s): every service as a process under a
                 steady mixed load with random consumer restarts; RSS per service at the start
                 and the end, lost, duplicates absorbed. With --write-docs it writes
                 docs/bench/soak.json, docs/bench/soak.svg and the soak section of RELIABILITY.md
  --rate N       the soak's load in messages per second (default 500)`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string' },
        json: { type: 'string' },
        'write-docs': { type: 'boolean' },
        soak: { type: 'string' },
        rate: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const controller = new AbortController();
  const stop = () => {
    process.stderr.write('\ninterrupted: stopping workers, the cluster and PostgreSQL…\n');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (values.soak !== undefined) {
    const durationMs = parseDuration(values.soak);
    const rate = Number(values.rate ?? 500);
    if (durationMs === undefined || !(rate > 0)) {
      process.stderr.write(`--soak takes a duration such as 30m or 90s, --rate a positive number\n\n${usage}\n`);
      return 2;
    }
    const soak = await runSoak({ durationMs, ratePerSecond: rate, signal: controller.signal });
    const command = ['npm run chaos --', ...process.argv.slice(2)].join(' ');
    process.stdout.write(`${soakMarkdown(soak, command)}\n`);
    const json = `${JSON.stringify(soak, null, 2)}\n`;
    if (values.json) {
      const file = resolve(values.json);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, json);
      process.stderr.write(`wrote ${file}\n`);
    }
    if (values['write-docs']) {
      writeSoakDocs(soak, command);
      process.stderr.write('wrote docs/bench/soak.json, docs/bench/soak.svg and the soak section of docs/RELIABILITY.md\n');
    }
    const problems = soakProblems(soak);
    for (const problem of problems) process.stderr.write(`FAIL soak: ${problem}\n`);
    return problems.length === 0 ? 0 : 1;
  }

  const run = await runChaos({
    profile: values.quick ? 'quick' : 'full',
    signal: controller.signal,
    ...(values.only ? { only: values.only.split(',').map((name) => name.trim()) } : {}),
  });

  const table = run.outcomes.map(({ row }) =>
    [row.name.padEnd(18), row.sent, row.confirmed, row.delivered, row.lost, row.duplicates, row.absorbed, row.orderViolations, row.recovery_ms].map(String).map((c) => c.padStart(10)).join(''),
  );
  process.stdout.write(`${['scenario'.padEnd(18), 'sent', 'confirmed', 'delivered', 'lost', 'duplicates', 'absorbed', 'order viol', 'recov. ms'].map((c) => c.padStart(10)).join('')}\n${table.join('\n')}\n`);

  if (controller.signal.aborted) {
    process.stderr.write('interrupted: no JSON or docs written\n');
    return 1;
  }
  if (values.json) {
    const file = resolve(values.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(chaosJson(run), null, 2)}\n`);
    process.stderr.write(`wrote ${file}\n`);
  }
  if (values['write-docs']) {
    const command = ['npm run chaos --', ...process.argv.slice(2)].join(' ');
    writeFileSync(join(REPO_ROOT, 'docs', 'RELIABILITY.md'), reliabilityMarkdown(run, command));
    writeFileSync(join(REPO_ROOT, 'docs', 'reliability.svg'), reliabilitySvg(run));
    process.stderr.write('wrote docs/RELIABILITY.md and docs/reliability.svg\n');
  }
  const problems = run.outcomes.flatMap((outcome) => failures(outcome).map((problem) => `${outcome.row.name}: ${problem}`));
  for (const problem of problems) process.stderr.write(`FAIL ${problem}\n`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`chaos: ${error.message}\n`);
    process.exit(2);
  },
);
