/**
 * The chaos scenarios (the five of issue 9 and the two broker alarms of issue 18), and the two
 * sizes they run at: `full` (`npm run chaos`, the 100,000-entry stream) and `quick` (CI: the same
 * faults on short streams, shorter alarms).
 */
import { ALARMS, AlarmWitness } from './alarm-probe.js';
import { closeConnectionsOf, connectedUsers, leaderIndex, restartNode, waitForMembers } from './broker-faults.js';
import type { Scenario, StreamSize } from './scenario-runner.js';

export type Profile = 'full' | 'quick';

export interface ProfileSizes {
  readonly killNode: StreamSize;
  /** Long enough that the stream is still running when the last node has stopped (a graceful stop takes seconds). */
  readonly clusterRestart: StreamSize;
  readonly others: StreamSize;
  /** Long enough for every close, each after the clients reconnected. */
  readonly closes: StreamSize;
  /** How long a killed node stays down before it is restarted (as an orchestrator would). */
  readonly nodeDownMs: number;
  readonly connectionCloses: number;
  readonly connectionCloseEveryMs: number;
  /** The alarm scenarios: a stream long enough to run through the alarm, and how long publishers stay blocked. */
  readonly alarm: StreamSize;
  readonly alarmBlockedMs: number;
}

export const PROFILES: Record<Profile, ProfileSizes> = {
  full: {
    killNode: { events: 100_000, ratePerSecond: 2_000 },
    clusterRestart: { events: 30_000, ratePerSecond: 1_000 },
    others: { events: 20_000, ratePerSecond: 1_000 },
    closes: { events: 20_000, ratePerSecond: 1_000 },
    nodeDownMs: 15_000,
    connectionCloses: 6,
    connectionCloseEveryMs: 2_000,
    alarm: { events: 80_000, ratePerSecond: 1_000 },
    alarmBlockedMs: 20_000,
  },
  quick: {
    killNode: { events: 3_000, ratePerSecond: 500 },
    clusterRestart: { events: 4_000, ratePerSecond: 200 },
    others: { events: 1_500, ratePerSecond: 500 },
    closes: { events: 3_000, ratePerSecond: 300 },
    nodeDownMs: 3_000,
    connectionCloses: 3,
    connectionCloseEveryMs: 1_000,
    // Long enough that the alarm (after the witness service has started) strikes mid-stream.
    alarm: { events: 12_000, ratePerSecond: 300 },
    alarmBlockedMs: 8_000,
  },
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A broker resource alarm mid-stream, raised on every node with rabbitmqctl (alarms block
 * publishers cluster-wide; raising it everywhere does not depend on which node the clients use)
 * and cleared after `blockedMs`. A witness service shows /readyz `blocked`, a publish past its
 * timeout failing with BrokerBlockedError and one waiting through it. Recovery counts from the
 * clear: the alarm's own length is the fault, how fast the platform resumes is the measure.
 */
function alarmScenario(kind: 'memory' | 'disk', sizes: ProfileSizes): Scenario {
  const name = kind === 'memory' ? 'memory-alarm' : 'disk-alarm';
  const what = kind === 'memory' ? 'memory alarm (vm_memory_high_watermark set below use)' : 'disk-free alarm (disk_free_limit set above the free space)';
  return {
    name,
    title: `broker ${what} on every node mid-stream: publishers blocked ${sizes.alarmBlockedMs / 1000} s, then cleared`,
    size: sizes.alarm,
    faultAt: 0.2,
    async inject({ env, fault, observe }) {
      const witness = await AlarmWitness.start(env.cluster, `${name}-`, env.postgresUrl);
      const nodes = env.cluster.nodes.map((_, index) => env.cluster.node(index));
      let raised = false;
      try {
        const raisedAt = Date.now();
        await Promise.all(nodes.map((node) => node.ctl([...ALARMS[kind].raise])));
        raised = true;
        env.log(`[${name}] ${kind} alarm raised on ${nodes.length} nodes`);
        const seen = await witness.duringAlarm();
        env.log(`[${name}] /readyz ${seen.readyzBlocked ? 'blocked' : 'NOT blocked'} (${seen.reason}); typed failure: ${seen.typedFailure}`);
        // The alarm's length is the fault itself, not a wait for a condition.
        await pause(Math.max(0, raisedAt + sizes.alarmBlockedMs - Date.now()));
        await Promise.all(nodes.map((node) => node.ctl([...ALARMS[kind].clear])));
        raised = false;
        const clearedAt = Date.now();
        fault(clearedAt);
        env.log(`[${name}] alarm cleared after ${((clearedAt - raisedAt) / 1000).toFixed(1)} s`);
        const waitedMs = await seen.waiting;
        observe({ alarm: kind, blockedMs: clearedAt - raisedAt, readyzBlocked: seen.readyzBlocked, reason: seen.reason, typedFailure: seen.typedFailure, waitedMs, readyAgain: await witness.readyAgain() });
      } finally {
        if (raised) await Promise.all(nodes.map((node) => node.ctl([...ALARMS[kind].clear]).catch(() => undefined)));
        await witness.close();
      }
    },
  };
}

export function scenarios(profile: Profile): Scenario[] {
  const sizes = PROFILES[profile];
  let victim = 0;
  return [
    {
      name: 'kill-node',
      title: 'kill -9 of the broker node leading the queue (and holding the clients’ connections) mid-stream; restarted later',
      size: sizes.killNode,
      faultAt: 0.3,
      // The clients connect to the leader's node first, so the kill takes their connections too.
      async urlOrder(env, vhost) {
        victim = await leaderIndex(env.cluster, vhost, 'tally.entries');
        return [victim, ...env.cluster.nodes.map((_, i) => i).filter((i) => i !== victim)];
      },
      async inject({ env, fault }) {
        env.cluster.node(victim).kill();
        fault();
        env.log(`[kill-node] node ${env.cluster.node(victim).nodeName} killed with SIGKILL; down for ${sizes.nodeDownMs / 1000} s`);
        // The node's downtime is the fault's duration, not a wait for a condition.
        await pause(sizes.nodeDownMs);
        await restartNode(env.cluster, victim);
        env.log('[kill-node] node restarted and back in the cluster');
      },
    },
    {
      name: 'cluster-restart',
      title: 'all three nodes stopped, then started again, mid-stream; clients keep running',
      size: sizes.clusterRestart,
      faultAt: 0.2,
      async inject({ env, fault }) {
        await env.cluster.stop();
        // Recovery counts from the moment the last node is gone: a graceful stop takes seconds,
        // during which clients still work on the nodes not yet stopped.
        fault();
        env.log('[cluster-restart] all nodes stopped; starting them again');
        await env.cluster.start();
        await waitForMembers(env.cluster, env.cluster.nodes.length);
        env.log('[cluster-restart] cluster is back');
      },
    },
    {
      name: 'kill-consumer',
      title: 'consumer process killed with SIGKILL mid-batch (right after a handler committed, before its ack), then restarted',
      size: sizes.others,
      faultAt: 0.3,
      consumerOptions: (size) => ({ crashAfterApplied: Math.floor(size.events * 0.3) }),
      // The consumer kills itself at the crash point; the fault is handled when it exits.
      inject: async () => undefined,
      async onConsumerExit({ env, fault, restartConsumer }, status) {
        if (status.signal !== 'SIGKILL') throw new Error(`the consumer exited with ${status.signal ?? status.code}, not SIGKILL`);
        fault(status.at);
        env.log('[kill-consumer] consumer crashed between a commit and its ack; restarting it');
        await restartConsumer();
      },
    },
    {
      name: 'kill-producer',
      title: 'producer process killed with SIGKILL right after its commit, before the relay published',
      size: sizes.others,
      faultAt: 0.3,
      producerOptions: (size) => ({ crashAfterSeq: Math.floor(size.events * 0.3) }),
      // The producer kills itself; the fault is handled when it exits.
      inject: async () => undefined,
      async onProducerExit({ env, fault, databases, restartProducer }, status) {
        if (status.signal !== 'SIGKILL') throw new Error(`the producer exited with ${status.signal ?? status.code}, not SIGKILL`);
        fault(status.at);
        const stranded = await databases.unpublished();
        env.log(`[kill-producer] producer crashed after its commit; ${stranded} committed entries not yet published`);
        if (stranded === 0) throw new Error('the crash left no committed-but-unpublished entry: the scenario proved nothing');
        await restartProducer();
      },
    },
    {
      name: 'connection-closes',
      title: `${sizes.connectionCloses} forced closes of every client connection through the management API, each once the clients are back`,
      size: sizes.closes,
      faultAt: 0.15,
      async inject({ env, fault, users, producer }) {
        for (let i = 0; i < sizes.connectionCloses; i++) {
          if (i > 0) await pause(sizes.connectionCloseEveryMs);
          // Close only once both clients have reconnected: closing nothing proves nothing.
          await connectedUsers(env.cluster, users, 60_000);
          if (producer().done) break;
          const at = Date.now();
          const closed = await closeConnectionsOf(env.cluster, users);
          fault(at);
          env.log(`[connection-closes] closed ${closed} connection(s)`);
        }
      },
    },
    alarmScenario('memory', sizes),
    alarmScenario('disk', sizes),
  ];
}
