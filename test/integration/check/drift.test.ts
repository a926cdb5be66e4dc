/**
 * Drift on a real node: the project's own contracts are compiled to a topology, applied to the
 * test broker under a fresh namespace, then the broker is changed behind the topology's back
 * (a queue deleted, an exchange added, a policy and a permission changed) and the check must
 * report exactly those objects, locate them in the contracts, and fail; the CLI must exit 1
 * without ever printing the password.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareDefinitions } from '../../../src/check/drift/compare-definitions.js';
import { fetchBrokerDefinitions } from '../../../src/check/drift/fetch-definitions.js';
import { driftLocator } from '../../../src/check/drift/locate-drift.js';
import type { Finding } from '../../../src/check/findings.js';
import { buildTopology } from '../../../src/compiler/emit/topology.js';
import { formatDiagnostic, loadContracts } from '../../../src/compiler/index.js';
import type { ContractModel } from '../../../src/compiler/model.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { applyTestTopology, testBroker } from '../../support/broker.js';
import { runEventplane } from '../../unit/check/support/run-cli.js';

const enc = encodeURIComponent;
const ROOT = join(import.meta.dirname, '../../..');

let model: ContractModel;
let topology: TopologyDocument;
let applied: Awaited<ReturnType<typeof applyTestTopology>>;

async function drift(): Promise<Finding[]> {
  const broker = testBroker();
  const live = await fetchBrokerDefinitions({ url: broker.managementUrl, ...broker.admin });
  return compareDefinitions(topology, live, {
    namespace: applied.namespace,
    ignoreUsers: [broker.admin.username],
    locate: driftLocator(model, topology),
  });
}

function runCli(args: string[], env: Record<string, string>) {
  return runEventplane(ROOT, ['check', ...args], env);
}

describe('check --broker (drift)', () => {
  beforeAll(async () => {
    const loaded = await loadContracts('asyncapi', { cwd: ROOT });
    if (!loaded.model) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    model = loaded.model;
    topology = buildTopology(model);
    applied = await applyTestTopology(topology, 'check-drift');
  });

  it('finds no drift right after the topology is applied', async () => {
    expect(await drift()).toEqual([]);
  });

  it('reports a deleted queue, an added exchange, a changed policy and a changed permission', async () => {
    const { management } = testBroker();
    const queue = topology.queues.find((q) => q.role === 'consumer')!;
    const vhost = `${applied.namespace}${queue.vhost}`;
    const policy = topology.policies.find((p) => p.vhost === queue.vhost)!;
    const permission = topology.permissions.find((p) => p.vhost === queue.vhost)!;
    const user = `${applied.namespace}${permission.user}`;

    await management.request('DELETE', `/queues/${enc(vhost)}/${enc(queue.name)}`);
    await management.request('PUT', `/exchanges/${enc(vhost)}/rogue.exchange`, { type: 'fanout', durable: true });
    await management.request('PUT', `/policies/${enc(vhost)}/${enc(policy.name)}`, {
      pattern: policy.pattern,
      'apply-to': policy.applyTo,
      priority: policy.priority,
      definition: { ...policy.definition, 'max-length': 7 },
    });
    await management.putPermissions(vhost, user, { ...permission, configure: '.*' });

    const findings = await drift();
    const bindingsIntoQueue = topology.bindings.filter((b) => b.vhost === queue.vhost && b.destination === queue.name);
    expect(findings.map((f) => `${f.rule} ${f.subject}`).sort()).toEqual(
      [
        ...bindingsIntoQueue.map((b) => `drift-missing binding ${vhost}/${b.source} → queue ${b.destination} [${b.routingKey}]`),
        `drift-different permission ${vhost}/${user}`,
        `drift-different policy ${vhost}/${policy.name}`,
        `drift-extra exchange ${vhost}/rogue.exchange`,
        `drift-missing queue ${vhost}/${queue.name}`,
      ].sort(),
    );
    expect(bindingsIntoQueue.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);

    const missingQueue = findings.find((f) => f.subject === `queue ${vhost}/${queue.name}`)!;
    const receive = model.systems.flatMap((s) => s.operations).find((o) => o.id === queue.operations[0])!;
    expect(missingQueue.location).toEqual(receive.location);
    const changedPolicy = findings.find((f) => f.rule === 'drift-different' && f.object?.kind === 'policy')!;
    expect(changedPolicy.expected).toEqual({ definition: policy.definition });
    expect(changedPolicy.actual).toEqual({ definition: { ...policy.definition, 'max-length': 7 } });
    const changedPermission = findings.find((f) => f.object?.kind === 'permission')!;
    expect(changedPermission.message).toContain('configure: expected "^$", found ".*"');

    // The CLI: exit 1, the drift in its report, the password nowhere.
    const broker = testBroker();
    const cli = await runCli(['--broker', broker.managementUrl, '--namespace', applied.namespace, '--format', 'json'], {
      EVENTPLANE_BROKER_USER: broker.admin.username,
      EVENTPLANE_BROKER_PASSWORD: broker.admin.password,
    });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(1);
    const report = JSON.parse(cli.stdout) as { findings: Finding[]; base?: unknown; summary: { errors: number } };
    expect(report.findings.filter((f) => f.category === 'drift').map((f) => f.subject).sort()).toEqual(findings.map((f) => f.subject).sort());
    expect(report.base).toBeUndefined();
    expect(`${cli.stdout}${cli.stderr}`).not.toContain(broker.admin.password);
  });

  it('refuses wrong credentials with one line and exit 2', async () => {
    const broker = testBroker();
    const cli = await runCli(['--broker', broker.managementUrl, '--user', broker.admin.username], { EVENTPLANE_BROKER_PASSWORD: 'wrong-password' });
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim()).toBe(`eventplane check: the broker at ${new URL(broker.managementUrl).origin} refused the credentials of user "${broker.admin.username}" (401)`);
    expect(cli.stdout).toBe('');
  });
});
