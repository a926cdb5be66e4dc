/**
 * The chaos suite at CI size (`npm run chaos -- --quick`): the same seven faults on a real
 * 3-node RabbitMQ cluster and a real PostgreSQL, with short streams. The full run (100,000
 * entries) is `npm run chaos`; its figures are in docs/RELIABILITY.md.
 */
import { describe, expect, it } from 'vitest';
import { chaosJson, failures, runChaos } from '../../scripts/chaos/run-chaos.js';

const SCENARIOS = ['kill-node', 'cluster-restart', 'kill-consumer', 'kill-producer', 'connection-closes', 'memory-alarm', 'disk-alarm'];
const FIELDS = ['name', 'sent', 'confirmed', 'delivered', 'lost', 'duplicates', 'absorbed', 'orderViolations', 'recovery_ms'];

describe('chaos on a real 3-node cluster (quick profile)', () => {
  it('loses nothing, absorbs every duplicate and keeps each aggregate in order under node kills, a full restart, process crashes, forced closes and broker alarms', async () => {
    const run = await runChaos({ profile: 'quick', log: (message) => process.stderr.write(`${message}\n`) });
    const { scenarios } = chaosJson(run);

    expect(scenarios.map((s) => s.name)).toEqual(SCENARIOS);
    for (const scenario of scenarios) expect(Object.keys(scenario)).toEqual(FIELDS);
    for (const outcome of run.outcomes) {
      const { row, detail } = outcome;
      expect(failures(outcome), row.name).toEqual([]);
      expect(row.sent, row.name).toBeGreaterThan(0);
      expect(row.lost, row.name).toBe(0);
      expect(row.delivered, row.name).toBe(row.sent);
      expect(row.confirmed, row.name).toBe(row.sent);
      expect(row.absorbed, row.name).toBe(row.duplicates);
      expect(detail.appliedTwice, row.name).toBe(0);
      // Per-aggregate order as the consumer applied it (issue 15's proof for kill-node and kill-producer).
      expect(row.orderViolations, row.name).toBe(0);
      expect(row.recovery_ms, row.name).toBeGreaterThan(0);
    }
    const byName = new Map(run.outcomes.map((outcome) => [outcome.row.name, outcome]));
    // The consumer died between a commit and its ack: that delivery came back and only the
    // durable inbox could recognise it (the in-memory one died with the process).
    expect(byName.get('kill-consumer')!.detail.absorbedBy.durable).toBeGreaterThan(0);
    // During each alarm a real service said blocked on /readyz, a publish failed typed, one waited it out.
    for (const name of ['memory-alarm', 'disk-alarm']) {
      const alarm = byName.get(name)!.alarm!;
      expect(alarm, name).toMatchObject({ readyzBlocked: true, typedFailure: true, readyAgain: true });
      expect(alarm.reason, name).toMatch(name === 'memory-alarm' ? /memory/ : /disk/);
      expect(alarm.waitedMs, name).toBeGreaterThan(0);
    }
  }, 15 * 60_000);
});
