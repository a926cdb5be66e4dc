/**
 * Breaking-change detection between two contract models (the base ref's and the working
 * tree's): message schemas, envelope, routing, exchanges, queues, retry and dead-letter
 * policy. Each change becomes one finding that says who it hurts; a change that breaks a
 * deployed consumer or producer is an error unless the message got a new major version.
 * Pure: two models in, findings out.
 */
import type { ChannelModel, ContractModel, JsonSchema, MessageModel, OperationModel, SourceLocation } from '../compiler/model.js';
import type { AffectedParties, Finding, Impact, SchemaPointer, Severity } from './findings.js';
import { indexModel, majorOf, servicesOf, type ModelIndex } from './model-index.js';
import { diffSchemas, type SchemaChange } from './schema/diff.js';

export interface ContractDiff {
  readonly findings: readonly Finding[];
  /** Messages compared, added and removed: the summary line. */
  readonly compared: number;
  readonly added: number;
  readonly removed: number;
}

/** `1.4.2` → `2.0.0`; the name and routing key a new major of a message takes (CONTRACTS.md). */
function nextMajor(message: MessageModel, channel: ChannelModel | undefined): string {
  const major = majorOf(message.version) + 1;
  const name = `${message.name.replace(/V\d+$/, '')}V${major}`;
  const key = channel ? ` and routing key ${channel.address.replace(/\.v\d+$/, '')}.v${major}` : '';
  return `publish it as ${name} (x-version ${major}.0.0${key}) beside ${message.name} and move consumers over`;
}

interface Judged {
  readonly severity: Severity;
  readonly consumers: Impact;
  readonly producers: Impact;
  readonly note?: string;
}

/**
 * A change's severity for a message: consumer impact counts only when deployed consumers exist;
 * a breaking change is an error unless the major version went up.
 */
function judge(consumers: Impact, producers: Impact, affected: AffectedParties, majorBumped: boolean): Judged {
  const effectiveConsumers = affected.consumers.length === 0 && consumers !== 'none' ? 'none' : consumers;
  const effectiveProducers = affected.producers.length === 0 && producers !== 'none' ? 'none' : producers;
  const breaking = effectiveConsumers === 'breaking' || effectiveProducers === 'breaking';
  const risky = effectiveConsumers === 'risky' || effectiveProducers === 'risky';
  const note =
    effectiveConsumers !== consumers
      ? 'no deployed consumer receives it yet'
      : effectiveProducers !== producers
        ? 'nothing sends it yet'
        : undefined;
  if (breaking) return { severity: majorBumped ? 'note' : 'error', consumers, producers, note: majorBumped ? 'allowed: new major version' : note };
  return { severity: risky ? 'warning' : 'note', consumers, producers, note };
}

function whoIsHurt(consumers: Impact, producers: Impact, affected: AffectedParties): string {
  const parts: string[] = [];
  if (consumers !== 'none' && affected.consumers.length > 0) parts.push(`consumers ${affected.consumers.join(', ')}`);
  if (producers !== 'none' && affected.producers.length > 0) parts.push(`producer ${affected.producers.join(', ')}`);
  return parts.length > 0 ? ` [${consumers === 'breaking' || producers === 'breaking' ? 'breaks' : 'may affect'} ${parts.join('; ')}]` : '';
}

class ContractComparison {
  readonly findings: Finding[] = [];
  readonly base: ModelIndex;
  readonly head: ModelIndex;

  constructor(base: ContractModel, head: ContractModel) {
    this.base = indexModel(base);
    this.head = indexModel(head);
  }

  private push(f: Omit<Finding, 'category'>) {
    this.findings.push({ category: 'contract', ...f });
  }

  /** Who a message's changes reach: consumers deployed from the base contract, and its producer. */
  private affected(messageId: string): AffectedParties {
    return {
      consumers: servicesOf(this.base.receivers.get(messageId)),
      producers: servicesOf(this.base.senders.get(messageId)),
    };
  }

  run(): ContractDiff {
    let compared = 0;
    let added = 0;
    let removed = 0;
    for (const [id, before] of this.base.messages) {
      const after = this.head.messages.get(id);
      if (after) {
        compared++;
        this.compareMessage(before, after);
      } else {
        removed++;
        this.messageRemoved(before);
      }
    }
    for (const [id, message] of this.head.messages) {
      if (this.base.messages.has(id)) continue;
      added++;
      this.push({
        rule: 'message-added',
        severity: 'note',
        subject: id,
        location: message.location,
        message: `${id} ${message.version} added`,
      });
    }
    this.compareEnvelope();
    this.compareExchanges();
    this.compareQueues();
    return { findings: this.findings, compared, added, removed };
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────

  private messageRemoved(message: MessageModel) {
    const affected = this.affected(message.id);
    this.push({
      rule: 'message-removed',
      severity: affected.consumers.length > 0 ? 'warning' : 'note',
      subject: message.id,
      location: message.location,
      locatedAtBase: true,
      affected,
      message:
        affected.consumers.length > 0
          ? `${message.id} ${message.version} removed: consumers deployed from the base contract (${affected.consumers.join(', ')}) stop receiving it; remove it only after they moved off`
          : `${message.id} ${message.version} removed`,
    });
  }

  private compareMessage(before: MessageModel, after: MessageModel) {
    const affected = this.affected(before.id);
    const bumped = majorOf(after.version) > majorOf(before.version);
    const channelBefore = this.base.channels.get(before.channel);
    const channelAfter = this.head.channels.get(after.channel);
    const remedy = nextMajor(before, channelBefore);
    let breaking = 0;
    let compatible = 0;

    const report = (
      rule: string,
      consumers: Impact,
      producers: Impact,
      message: string,
      extra: { location?: SourceLocation; field?: string; pointer?: SchemaPointer; locatedAtBase?: true } = {},
    ) => {
      const judged = judge(consumers, producers, affected, bumped);
      if (judged.severity === 'error') breaking++;
      if (consumers === 'none' && producers === 'none') compatible++;
      this.push({
        rule,
        severity: judged.severity,
        subject: after.id,
        location: extra.location ?? after.location,
        ...(extra.locatedAtBase ? { locatedAtBase: true } : {}),
        ...(extra.field !== undefined ? { field: extra.field } : {}),
        ...(extra.pointer ? { pointer: extra.pointer } : {}),
        consumers,
        producers,
        affected,
        message: `${after.name}: ${message}${whoIsHurt(consumers, producers, affected)}${judged.note ? ` (${judged.note})` : ''}`,
        ...(judged.severity === 'error' ? { help: remedy } : {}),
      });
    };

    const schemaChanges = (part: 'payload' | 'headers', b: JsonSchema | undefined, h: JsonSchema | undefined) => {
      if (b === undefined && h === undefined) return;
      for (const change of diffSchemas(b ?? {}, h ?? {})) {
        report(change.rule, change.consumers, change.producers, `${part === 'headers' ? 'header ' : ''}${change.message}`, {
          field: change.field,
          pointer: schemaPointer(part, change, after.id),
          ...(change.headPointer === undefined ? { location: before.location, locatedAtBase: true as const } : {}),
        });
      }
    };
    schemaChanges('payload', before.payload, after.payload);
    schemaChanges('headers', before.headers, after.headers);

    if (before.contentType !== after.contentType) {
      report('content-type-changed', 'breaking', 'breaking', `content type changed from ${before.contentType} to ${after.contentType}: each side decodes the other's bodies wrongly`);
    }
    if (channelBefore && channelAfter) {
      const at = { location: channelAfter.location };
      if (channelBefore.address !== channelAfter.address) {
        report(
          'routing-key-changed',
          'breaking',
          'breaking',
          `routing key changed from ${channelBefore.address} to ${channelAfter.address}: queues bound to the old key stop receiving it, and producers still on the old key publish where nobody listens`,
          at,
        );
      }
      if (channelBefore.exchange !== channelAfter.exchange) {
        report(
          'exchange-changed',
          'breaking',
          'breaking',
          `exchange changed from ${channelBefore.exchange} to ${channelAfter.exchange}: consumers stay bound to the old exchange; producers on the old contract publish to it`,
          at,
        );
      }
      if (channelBefore.owner !== channelAfter.owner) {
        report(
          'sender-changed',
          'none',
          'risky',
          `sender changed from ${channelBefore.owner} to ${channelAfter.owner}: broker permissions move with it, so the old sender is refused once the topology is applied`,
          at,
        );
      }
    }

    const v0 = before.version;
    const v1 = after.version;
    if (compareSemver(v1, v0) < 0) {
      report('version-decreased', 'risky', 'risky', `x-version went down from ${v0} to ${v1}`);
    } else if (breaking === 0 && compatible > 0 && v0 === v1) {
      this.push({
        rule: 'version-unchanged',
        severity: 'note',
        subject: after.id,
        location: after.location,
        message: `${after.name}: compatible changes without a new x-version (still ${v0}): bump the minor version so consumers can tell`,
      });
    }
  }

  // ── envelope ──────────────────────────────────────────────────────────────────────────

  private compareEnvelope() {
    const allOps = [...this.base.operations.values()];
    const affected: AffectedParties = {
      consumers: servicesOf(allOps.filter((o) => o.action === 'receive')),
      producers: servicesOf(allOps.filter((o) => o.action === 'send')),
    };
    for (const change of diffSchemas(this.base.model.envelope.headers, this.head.model.envelope.headers)) {
      // The envelope has no version of its own to bump: a breaking change breaks every message.
      const judged = judge(change.consumers, change.producers, affected, false);
      this.push({
        rule: change.rule,
        severity: judged.severity,
        subject: 'envelope',
        location: this.head.model.envelope.location ?? this.base.model.envelope.location,
        field: change.field,
        pointer: schemaPointer('envelope', change),
        consumers: change.consumers,
        producers: change.producers,
        affected,
        message: `envelope: header ${change.message}${whoIsHurt(change.consumers, change.producers, affected)}`,
        ...(judged.severity === 'error'
          ? { help: 'the envelope is shared by every message: make the change additive (new optional header) instead' }
          : {}),
      });
    }
  }

  // ── exchanges ─────────────────────────────────────────────────────────────────────────

  private compareExchanges() {
    for (const system of this.base.model.systems) {
      const headSystem = this.head.systems.get(system.name);
      for (const before of system.exchanges) {
        const after = headSystem?.exchanges.find((e) => e.name === before.name);
        const location = (channels: readonly string[], index: ModelIndex) => index.channels.get(channels[0] ?? '')?.location;
        if (!after) {
          this.push({
            rule: 'exchange-removed',
            severity: 'warning',
            subject: `${system.vhost}/${before.name}`,
            location: location(before.channels, this.base),
            locatedAtBase: true,
            message: `exchange ${before.name} (${system.vhost}) is no longer used: producers still on the old contract publish into it and nothing is bound`,
          });
          continue;
        }
        const changes: string[] = [];
        if (before.type !== after.type) changes.push(`type ${before.type} → ${after.type}`);
        if (before.durable !== after.durable) changes.push(`durable ${before.durable} → ${after.durable}`);
        if (before.autoDelete !== after.autoDelete) changes.push(`autoDelete ${before.autoDelete} → ${after.autoDelete}`);
        if (changes.length === 0) continue;
        this.push({
          rule: 'exchange-type-changed',
          severity: 'error',
          subject: `${system.vhost}/${before.name}`,
          location: location(after.channels, this.head),
          message: `exchange ${before.name} (${system.vhost}) ${changes.join(', ')}: RabbitMQ refuses to redeclare it (PRECONDITION_FAILED); it must be deleted with its bindings, and routing semantics change for every channel on it`,
          help: 'use a new exchange name and move channels over one at a time',
        });
      }
    }
  }

  // ── queues, retry, dead letters ───────────────────────────────────────────────────────

  private compareQueues() {
    const baseQueues = queuesOf(this.base);
    const headQueues = queuesOf(this.head);
    for (const [key, before] of baseQueues) {
      const after = headQueues.get(key);
      if (after) {
        this.compareQueue(before, after);
        continue;
      }
      // The same receive operation now reads another queue: a rename.
      const moved = before.operations.map((op) => this.head.operations.get(op.id)).find((op) => op?.queue && op.queue.name !== before.name);
      if (moved) {
        this.push({
          rule: 'queue-renamed',
          severity: 'error',
          subject: `${before.vhost}/${before.name}`,
          location: moved.location,
          message: `${moved.id} now reads queue ${moved.queue!.name} instead of ${before.name}: messages waiting in ${before.name} are lost when the old queue is deleted`,
          help: 'keep the queue name (x-queue.name), or drain the old queue before applying the topology',
        });
      } else {
        this.push({
          rule: 'queue-removed',
          severity: 'warning',
          subject: `${before.vhost}/${before.name}`,
          location: before.operations[0]!.location,
          locatedAtBase: true,
          message: `queue ${before.name} (${before.operations.map((o) => o.id).join(', ')}) is removed: messages still in it, its retry queues and its dead letters are lost when the topology is applied`,
          help: 'drain the queue and its dead-letter queue first',
        });
      }
    }
  }

  private compareQueue(before: QueueUse, after: QueueUse) {
    const b = before.operations[0]!;
    const h = after.operations[0]!;
    const subject = `${after.vhost}/${after.name}`;
    const location = h.location;
    const bq = b.queue!;
    const hq = h.queue!;
    if (bq.type !== hq.type) {
      this.push({
        rule: 'queue-type-changed',
        severity: 'error',
        subject,
        location,
        message: `queue ${hq.name} type changed from ${bq.type} to ${hq.type}: the queue must be deleted and declared again, losing every message in it`,
        help: 'use a new queue name and drain the old queue',
      });
    }
    const policy: Array<[string, unknown, unknown]> = [
      ['maxLength', bq.maxLength, hq.maxLength],
      ['maxLengthBytes', bq.maxLengthBytes, hq.maxLengthBytes],
      ['overflow', bq.overflow, hq.overflow],
      ['deliveryLimit', bq.deliveryLimit, hq.deliveryLimit],
      ['messageTtl', bq.messageTtlMs, hq.messageTtlMs],
    ];
    for (const [name, x, y] of policy) {
      if (x === y) continue;
      this.push({
        rule: 'queue-policy-changed',
        severity: 'warning',
        subject,
        location,
        message: `queue ${hq.name}: ${name} changed from ${x ?? 'unset'} to ${y ?? 'unset'}${queuePolicyConsequence(name, x, y)}`,
      });
    }
    const br = b.retry;
    const hr = h.retry;
    if (br && hr && (br.retries !== hr.retries || br.delaysMs.join() !== hr.delaysMs.join())) {
      const lost = br.retries > hr.retries ? `; ${br.retries - hr.retries} retry queue(s) are deleted with the messages waiting in them` : '';
      this.push({
        rule: 'retry-policy-changed',
        severity: 'warning',
        subject,
        location,
        message: `queue ${hq.name}: retries changed from ${br.retries} (${ladder(br.delaysMs)}) to ${hr.retries} (${ladder(hr.delaysMs)})${lost}`,
      });
    }
    const bd = b.deadLetter;
    const hd = h.deadLetter;
    if (bd && hd) {
      if (bd.queue !== hd.queue) {
        this.push({
          rule: 'dead-letter-changed',
          severity: 'warning',
          subject,
          location,
          message: `queue ${hq.name}: dead-letter queue changed from ${bd.queue} to ${hd.queue}: dead letters in ${bd.queue} are lost unless republished first`,
        });
      }
      for (const [name, x, y] of [
        ['maxLength', bd.maxLength, hd.maxLength],
        ['messageTtl', bd.messageTtlMs, hd.messageTtlMs],
      ] as const) {
        if (x === y) continue;
        this.push({
          rule: 'dead-letter-changed',
          severity: 'warning',
          subject,
          location,
          message: `dead-letter queue ${hd.queue}: ${name} changed from ${x ?? 'unset'} to ${y ?? 'unset'}${
            (y ?? Infinity) < (x ?? Infinity) ? ': dead letters beyond it are dropped' : ''
          }`,
        });
      }
    }
  }
}

interface QueueUse {
  readonly vhost: string;
  readonly name: string;
  readonly operations: OperationModel[];
}

function queuesOf(index: ModelIndex): Map<string, QueueUse> {
  const out = new Map<string, QueueUse>();
  for (const op of index.operations.values()) {
    if (op.action !== 'receive' || !op.queue) continue;
    const system = index.services.get(op.service)?.system ?? op.service.split('/')[0]!;
    const vhost = index.systems.get(system)?.vhost ?? system;
    const key = `${vhost}\u0000${op.queue.name}`;
    const use = out.get(key) ?? { vhost, name: op.queue.name, operations: [] };
    use.operations.push(op);
    out.set(key, use);
  }
  return out;
}

function queuePolicyConsequence(name: string, x: unknown, y: unknown): string {
  const lower = typeof x === 'number' && typeof y === 'number' ? y < x : y !== undefined && x === undefined;
  switch (name) {
    case 'maxLength':
    case 'maxLengthBytes':
      return lower ? ': publishers are refused (or messages dead-lettered) sooner' : '';
    case 'deliveryLimit':
      return lower ? ': crashing handlers dead-letter messages after fewer redeliveries' : '';
    case 'messageTtl':
      return lower ? ': messages waiting longer than that are dead-lettered' : '';
    case 'overflow':
      return y === 'drop-head' ? ': the broker drops the oldest messages silently' : '';
    default:
      return '';
  }
}

function ladder(delays: readonly number[]): string {
  return delays.length === 0 ? 'none' : delays.map((d) => (d >= 1000 ? `${+(d / 1000).toFixed(1)}s` : `${d}ms`)).join(', ');
}

function schemaPointer(part: SchemaPointer['part'], change: SchemaChange, message?: string): SchemaPointer {
  const side = change.headPointer !== undefined ? 'head' : 'base';
  return { part, side, path: (side === 'head' ? change.headPointer : change.basePointer) ?? '', ...(message ? { message } : {}) };
}

function compareSemver(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split(/[.+-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

export function diffContracts(base: ContractModel, head: ContractModel): ContractDiff {
  return new ContractComparison(base, head).run();
}
