/**
 * Runs saga definitions: correlates each event to an instance, applies the transition and
 * saves it — state, data, the event's inbox row and everything the handler published through
 * the outbox — in one transaction.
 *
 * - Idempotent: the event's message id is recorded in the inbox (`saga:<name>`) in that same
 *   transaction, so a redelivered event never transitions twice.
 * - Optimistic: instances are read without locks and saved with `version = version + 1 WHERE
 *   version = <read>`; a concurrent transition makes the save miss, and the whole transaction is
 *   retried against the new state.
 * - Timeouts: entering a state stores its deadline (`timeout_at`) in the row, so a restart loses
 *   none. The scheduler (./timeout-scheduler.ts) claims due instances with FOR UPDATE SKIP
 *   LOCKED and runs the state's timeout handler in the same kind of transaction.
 */
import { Counter, register as globalRegistry, type Registry } from 'prom-client';
import type { Delivery, Envelope, Handler, HandlerContext } from '../../runtime/contract.js';
import { defaultLogger, type RuntimeLogger } from '../../runtime/logger.js';
import { DurableInbox } from '../inbox.js';
import { Outbox } from '../outbox.js';
import type { DurableStore, Transaction } from '../store.js';
import type { SagaActions, SagaContext, SagaDefinition } from './definition.js';
import { sagaStepSpan, sagaTimeoutSpan } from './spans.js';
import { TimeoutScheduler, type DueInstance } from './timeout-scheduler.js';

export interface SagaEngineOptions {
  readonly store: DurableStore;
  readonly sagas: readonly SagaDefinition<any, any, any>[];
  /** The outbox the sagas publish through (default: one on `store`). */
  readonly outbox?: Outbox;
  readonly logger?: RuntimeLogger;
  /** Prometheus registry (default: prom-client's global one). */
  readonly registry?: Registry;
  /** Longest the timeout scheduler sleeps when it knows of no nearer deadline (default 1 s). */
  readonly timeoutPollMs?: number;
  /** Delay before a timeout whose handler threw is tried again (default 5 s). */
  readonly timeoutRetryMs?: number;
  /** Attempts when concurrent transitions keep colliding (default 5). */
  readonly maxAttempts?: number;
  /** Observes every committed transition (tests, audit logs). */
  readonly onTransition?: (transition: SagaTransition) => void;
}

export interface SagaTransition {
  readonly saga: string;
  readonly id: string;
  /** Undefined when the event started the instance. */
  readonly from: string | undefined;
  readonly to: string;
  readonly version: number;
  readonly cause:
    | { readonly kind: 'event'; readonly event: string; readonly messageId: string }
    | { readonly kind: 'timeout' }
    | { readonly kind: 'begin' };
  /** The new deadline, when the transition set one. */
  readonly timeoutMs: number | undefined;
}

export type SagaOutcome =
  | { readonly kind: 'started' | 'transitioned'; readonly saga: string; readonly id: string; readonly from: string | undefined; readonly to: string }
  | { readonly kind: 'duplicate' | 'ignored'; readonly saga: string; readonly id: string; readonly reason: string };

export interface SagaInstance<TData = unknown> {
  readonly saga: string;
  readonly id: string;
  readonly state: string;
  readonly data: TData;
  readonly version: number;
  readonly timeoutAt: Date | null;
  readonly finishedAt: Date | null;
}

/** Two transitions of one instance raced; the loser is retried. */
export class SagaConcurrencyError extends Error {
  override readonly name = 'SagaConcurrencyError';
}

interface InstanceRow {
  state: string;
  data: unknown;
  version: number;
}

/** PostgreSQL errors that mean "try the transaction again": serialization failure, deadlock. */
const RETRYABLE_SQLSTATE = new Set(['40001', '40P01']);

export class SagaEngine {
  private readonly store: DurableStore;
  private readonly outbox: Outbox;
  private readonly inbox: DurableInbox;
  private readonly logger: RuntimeLogger;
  private readonly table: string;
  private readonly byName = new Map<string, SagaDefinition<any, any, any>>();
  private readonly maxAttempts: number;
  private readonly transitions: Counter<'saga' | 'from' | 'to'>;
  private readonly ignored: Counter<'saga' | 'event' | 'reason'>;
  readonly timeouts: TimeoutScheduler<SagaTransition>;

  constructor(private readonly options: SagaEngineOptions) {
    this.store = options.store;
    this.outbox = options.outbox ?? new Outbox(options.store);
    this.inbox = new DurableInbox(options.store);
    this.logger = options.logger ?? defaultLogger('sagas');
    this.table = options.store.table('saga_instances');
    this.maxAttempts = options.maxAttempts ?? 5;
    for (const saga of options.sagas) {
      if (this.byName.has(saga.name)) throw new Error(`two sagas are named "${saga.name}"`);
      this.byName.set(saga.name, saga);
    }
    const registry = options.registry ?? globalRegistry;
    this.transitions = counter(registry, 'eventplane_saga_transitions_total', 'Saga transitions committed (from "(start)" when an event created the instance).', ['saga', 'from', 'to']);
    this.ignored = counter(registry, 'eventplane_saga_events_ignored_total', 'Events a saga received but had no handler for (no instance, or not expected in its state).', ['saga', 'event', 'reason']);
    this.timeouts = new TimeoutScheduler({
      store: this.store,
      sagas: [...this.byName.keys()],
      logger: this.logger,
      registry,
      pollMs: options.timeoutPollMs ?? 1_000,
      retryMs: options.timeoutRetryMs ?? 5_000,
      fire: (tx, row) => this.fireTimeout(tx, row),
      fired: (transition) => this.report(transition),
    });
  }

  /** The runtime handler: subscribe it to every queue that carries the sagas' events. */
  handler(): Handler {
    return async (delivery, context) => {
      await this.dispatch(delivery, context);
    };
  }

  /** Starts the timeout scheduler. */
  start(): Promise<void> {
    return this.timeouts.start();
  }

  stop(): Promise<void> {
    return this.timeouts.stop();
  }

  /** Applies one event to every saga that declares it. */
  async dispatch(delivery: Delivery, context?: HandlerContext): Promise<SagaOutcome[]> {
    const outcomes: SagaOutcome[] = [];
    for (const saga of this.byName.values()) {
      const eventName = saga.eventsByType.get(delivery.envelope.type);
      if (eventName === undefined) continue;
      const id = saga.correlate(eventName, delivery);
      const log = context?.log ?? this.logger;
      const { outcome, transition } = await sagaStepSpan(
        saga.name,
        eventName,
        { 'eventplane.saga.id': id, 'messaging.message.id': delivery.envelope.messageId },
        () => this.withRetries(() => this.store.transaction((tx) => this.apply(saga, eventName, id, delivery, tx, log))),
        (result) => result.outcome,
      );
      if (transition) this.report(transition);
      if (outcome.kind === 'ignored') {
        this.ignored.inc({ saga: saga.name, event: eventName, reason: outcome.reason.startsWith('no instance') ? 'no-instance' : 'not-expected' });
        log.warn({ saga: saga.name, sagaId: id, event: eventName, messageId: delivery.envelope.messageId, reason: outcome.reason }, 'saga ignored an event');
      }
      outcomes.push(outcome);
    }
    return outcomes;
  }

  /**
   * Starts an instance from the service's own code rather than from an event (an HTTP request:
   * `POST /checkout`). `start` publishes the first commands through `saga.publish` and returns
   * the first state and data. Pass the service's transaction as `tx` to create the instance in
   * it (with the service's own rows); otherwise it gets a transaction of its own. An instance
   * that exists already is left alone: `duplicate` (a retried request). A concurrent start of
   * the same id in the caller's transaction throws SagaConcurrencyError (roll back and retry).
   */
  async begin<TData, TState extends string>(
    saga: SagaDefinition<TData, any, TState>,
    id: string,
    start: (saga: SagaActions) => Promise<{ state: TState; data: TData }>,
    tx?: Transaction,
  ): Promise<SagaOutcome> {
    if (this.byName.get(saga.name) !== saga) throw new Error(`saga "${saga.name}" is not one this engine runs`);
    const run = async (inner: Transaction): Promise<{ outcome: SagaOutcome; transition?: SagaTransition }> => {
      const exists = await inner.query(`SELECT 1 FROM ${this.table} WHERE saga = $1 AND id = $2`, [saga.name, id]);
      if (exists.rows.length > 0) return { outcome: { kind: 'duplicate', saga: saga.name, id, reason: `instance ${id} exists already` } };
      const { state, data } = await start(this.actions(saga, id, inner, this.logger, undefined));
      this.checkState(saga, state, 'begin()');
      // Started concurrently: roll back what `start` published; a retry finds the instance.
      if (!(await this.insert(inner, saga, id, state, data))) throw new SagaConcurrencyError(`saga ${saga.name} ${id} was started concurrently`);
      return {
        outcome: { kind: 'started', saga: saga.name, id, from: undefined, to: state },
        transition: { saga: saga.name, id, from: undefined, to: state, version: 1, cause: { kind: 'begin' }, timeoutMs: saga.timeoutMs(state) },
      };
    };
    const { outcome, transition } = await sagaStepSpan(
      saga.name,
      'begin',
      { 'eventplane.saga.id': id },
      () => (tx ? run(tx) : this.withRetries(() => this.store.transaction(run))),
      (result) => result.outcome,
    );
    // With the caller's transaction this is reported before the caller commits.
    if (transition) this.report(transition);
    return outcome;
  }

  /** Runs due timeouts now (the scheduler does this on its own; tests call it directly). */
  fireDueTimeouts(limit?: number): Promise<number> {
    return this.timeouts.fireDue(limit);
  }

  async instance<TData = unknown>(saga: string, id: string): Promise<SagaInstance<TData> | undefined> {
    const { rows } = await this.store.query<{
      state: string;
      data: TData;
      version: number;
      timeout_at: Date | null;
      finished_at: Date | null;
    }>(`SELECT state, data, version, timeout_at, finished_at FROM ${this.table} WHERE saga = $1 AND id = $2`, [saga, id]);
    const row = rows[0];
    if (!row) return undefined;
    return { saga, id, state: row.state, data: row.data, version: row.version, timeoutAt: row.timeout_at, finishedAt: row.finished_at };
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        const retryable = error instanceof SagaConcurrencyError || RETRYABLE_SQLSTATE.has((error as { code?: string }).code ?? '');
        if (!retryable || n >= this.maxAttempts) throw error;
      }
    }
  }

  private async apply(
    saga: SagaDefinition<any, any, any>,
    eventName: string,
    id: string,
    delivery: Delivery,
    tx: Transaction,
    log: HandlerContext['log'],
  ): Promise<{ outcome: SagaOutcome; transition?: SagaTransition }> {
    const messageId = delivery.envelope.messageId;
    if (!(await this.inbox.record(tx, `saga:${saga.name}`, messageId))) {
      return { outcome: { kind: 'duplicate', saga: saga.name, id, reason: `event ${messageId} was applied before` } };
    }
    const cause = { kind: 'event', event: eventName, messageId } as const;
    const { rows } = await tx.query<InstanceRow>(`SELECT state, data, version FROM ${this.table} WHERE saga = $1 AND id = $2`, [saga.name, id]);
    const row = rows[0];
    const actions = this.actions(saga, id, tx, log, delivery.envelope);
    if (!row) {
      const start = saga.starts.get(eventName);
      if (!start) return { outcome: { kind: 'ignored', saga: saga.name, id, reason: `no instance ${id} and ${eventName} does not start one` } };
      const { state, data } = await start(actions, delivery);
      this.checkState(saga, state, `startsWith("${eventName}")`);
      if (!(await this.insert(tx, saga, id, state, data))) throw new SagaConcurrencyError(`saga ${saga.name} ${id} was started concurrently`);
      return {
        outcome: { kind: 'started', saga: saga.name, id, from: undefined, to: state },
        transition: { saga: saga.name, id, from: undefined, to: state, version: 1, cause, timeoutMs: saga.timeoutMs(state) },
      };
    }
    const handler = saga.transitions.get(row.state)?.get(eventName);
    if (!handler) return { outcome: { kind: 'ignored', saga: saga.name, id, reason: `${eventName} is not expected in state "${row.state}"` } };
    const context: SagaContext<unknown, string> = { ...actions, state: row.state, data: row.data };
    const next = (await handler(context, delivery)) ?? row.state;
    this.checkState(saga, next, `during("${row.state}").on.${eventName}`);
    const rearm = next !== row.state;
    await this.save(tx, saga, id, row, next, context.data, rearm);
    return {
      outcome: { kind: 'transitioned', saga: saga.name, id, from: row.state, to: next },
      transition: { saga: saga.name, id, from: row.state, to: next, version: row.version + 1, cause, timeoutMs: rearm ? saga.timeoutMs(next) : undefined },
    };
  }

  /** Called by the scheduler inside its transaction, with the due instance locked. */
  private fireTimeout(tx: Transaction, row: DueInstance): Promise<SagaTransition | undefined> {
    return sagaTimeoutSpan(
      row.saga,
      { 'eventplane.saga.id': row.id, 'eventplane.saga.from': row.state },
      () => this.runTimeout(tx, row),
      (transition) => (transition ? { kind: 'transitioned', from: transition.from, to: transition.to } : { kind: 'cleared' }),
    );
  }

  private async runTimeout(tx: Transaction, row: DueInstance): Promise<SagaTransition | undefined> {
    const saga = this.byName.get(row.saga)!;
    const handler = saga.states.has(row.state) ? saga.timeoutHandler(row.state) : undefined;
    if (!handler) {
      // The definition changed under a running instance: stop timing it out rather than loop.
      this.logger.error({ saga: row.saga, sagaId: row.id, state: row.state }, 'saga instance timed out in a state the definition has no timeout handler for: deadline cleared');
      await tx.query(`UPDATE ${this.table} SET timeout_at = NULL WHERE saga = $1 AND id = $2`, [row.saga, row.id]);
      return undefined;
    }
    const context: SagaContext<unknown, string> = { ...this.actions(saga, row.id, tx, this.logger, undefined), state: row.state, data: row.data };
    const next = (await handler(context)) ?? row.state;
    this.checkState(saga, next, `the timeout of "${row.state}"`);
    // Always re-arm: staying in the state after a timeout waits another full period.
    await this.save(tx, saga, row.id, row, next, context.data, true);
    return { saga: row.saga, id: row.id, from: row.state, to: next, version: row.version + 1, cause: { kind: 'timeout' }, timeoutMs: saga.timeoutMs(next) };
  }

  private actions(saga: SagaDefinition<any, any, any>, id: string, tx: Transaction, log: HandlerContext['log'], cause: Envelope | undefined): SagaActions {
    const outbox = this.outbox;
    return {
      saga: saga.name,
      id,
      tx,
      log,
      publish(send, payload, options = {}) {
        return outbox.add(tx, {
          send,
          payload,
          aggregateId: options.aggregateId ?? id,
          aggregateType: options.aggregateType ?? `saga.${saga.name}`,
          correlationId: id,
          ...(cause !== undefined ? { causedBy: cause } : {}),
          ...(options.messageId !== undefined ? { messageId: options.messageId } : {}),
          ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
          ...(options.headers !== undefined ? { headers: options.headers } : {}),
        });
      },
    };
  }

  /** Creates the instance row; false when one exists (ON CONFLICT, so concurrent starts do not fail). */
  private async insert(tx: Transaction, saga: SagaDefinition<any, any, any>, id: string, state: string, data: unknown): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO ${this.table} (saga, id, state, data, version, timeout_at, finished_at)
       VALUES ($1, $2, $3, $4::jsonb, 1, ${deadline('$5')}, CASE WHEN $6::boolean THEN now() END)
       ON CONFLICT (saga, id) DO NOTHING`,
      [saga.name, id, state, JSON.stringify(data ?? null), saga.timeoutMs(state) ?? null, saga.finalStates.has(state)],
    );
    return rowCount > 0;
  }

  private async save(tx: Transaction, saga: SagaDefinition<any, any, any>, id: string, row: InstanceRow, next: string, data: unknown, rearm: boolean): Promise<void> {
    const { rowCount } = await tx.query(
      `UPDATE ${this.table}
       SET state = $3, data = $4::jsonb, version = version + 1, updated_at = now(),
           timeout_at = CASE WHEN $5::boolean THEN ${deadline('$6')} ELSE timeout_at END,
           finished_at = CASE WHEN $7::boolean THEN COALESCE(finished_at, now()) END
       WHERE saga = $1 AND id = $2 AND version = $8`,
      [saga.name, id, next, JSON.stringify(data ?? null), rearm, saga.timeoutMs(next) ?? null, saga.finalStates.has(next), row.version],
    );
    if (rowCount === 0) throw new SagaConcurrencyError(`saga ${saga.name} ${id} changed since version ${row.version}`);
  }

  private checkState(saga: SagaDefinition<any, any, any>, state: unknown, where: string): void {
    if (typeof state !== 'string' || !saga.states.has(state)) {
      throw new Error(`saga "${saga.name}": ${where} returned ${JSON.stringify(state)}, which is not one of its states`);
    }
  }

  /** Counts and reports a transition once its transaction has committed (not before: it may still roll back). */
  private report(transition: SagaTransition): void {
    this.transitions.inc({ saga: transition.saga, from: transition.from ?? '(start)', to: transition.to });
    if (transition.timeoutMs !== undefined) this.timeouts.deadlineIn(transition.timeoutMs);
    this.options.onTransition?.(transition);
  }
}

function deadline(param: string): string {
  return `CASE WHEN ${param}::int IS NULL THEN NULL ELSE now() + ${param}::int * interval '1 millisecond' END`;
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}
