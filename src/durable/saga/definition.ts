/**
 * The saga definition API: an orchestration state machine written as data plus handlers, typed
 * from the contracts. Events are the generated message descriptors, so each handler's payload
 * is the generated payload type; states are string literals, so a handler can only move to a
 * state that exists.
 *
 *   const checkout = defineSaga<CheckoutData>()({
 *     name: 'checkout',
 *     events: { CheckoutRequested, StockReserved, PaymentSucceeded, PaymentFailed, … },
 *     states: ['reservingStock', 'takingPayment', 'creatingOrder', 'releasingStock'],
 *     final: ['completed', 'cancelled'],
 *   })
 *     .startsWith('CheckoutRequested', async (saga, event) => {
 *       await saga.publish(reserveStock, { … });
 *       return { state: 'reservingStock', data: { … } };
 *     })
 *     .during('reservingStock', {
 *       on: { StockReserved: async (saga, event) => { …; return 'takingPayment'; } },
 *       onTimeout: async (saga) => 'cancelled',
 *     })
 *     .build();
 *
 * A handler is an async function returning the next state (or nothing to stay). Everything it does — the state change,
 * `saga.data`, `saga.publish` (through the outbox), writes through `saga.tx` — commits in one
 * transaction, or not at all.
 */
import { durationMs } from '../../shared/duration.js';
import type { Delivery, HandlerContext, HeaderValue, MessageDescriptor, SendDescriptor } from '../../runtime/contract.js';
import type { OutboxReceipt } from '../outbox.js';
import type { Transaction } from '../store.js';

/** Milliseconds, or `500ms`, `30s`, `5m`, `2h`, `7d` (as in the contracts). */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

export const DEFAULT_STATE_TIMEOUT: Duration = '30s';

export type EventMap = Record<string, MessageDescriptor<any, any>>;
export type EventName<E extends EventMap> = Extract<keyof E, string>;
export type PayloadOf<D> = D extends MessageDescriptor<infer P, any> ? P : never;
/** The delivery of event `K`: `event.payload` has the generated payload type. */
export type EventOf<E extends EventMap, K extends EventName<E>> = Delivery<K, PayloadOf<E[K]>>;

export interface SagaPublishOptions<THeaders = Record<string, HeaderValue>> {
  /** Ordering key of the published event (default: this saga instance). */
  readonly aggregateId?: string;
  readonly aggregateType?: string;
  readonly messageId?: string;
  readonly tenantId?: string;
  readonly headers?: Partial<THeaders> & Record<string, HeaderValue | undefined>;
}

/** What every handler can do: publish through the outbox and write in the saga's transaction. */
export interface SagaActions {
  readonly saga: string;
  /** The correlation id: every message the saga publishes carries it, so replies find their way back. */
  readonly id: string;
  /** The transaction the transition commits in, for the service's own writes. */
  readonly tx: Transaction;
  readonly log: HandlerContext['log'];
  /** Adds a command or event to the outbox in this transaction, correlated with this saga. */
  publish<TPayload, THeaders>(send: SendDescriptor<TPayload, THeaders>, payload: TPayload, options?: SagaPublishOptions<THeaders>): Promise<OutboxReceipt>;
}

export interface SagaContext<TData, TState extends string> extends SagaActions {
  readonly state: TState;
  /** The instance's data: change it in place; it is saved with the transition. */
  data: TData;
}

// Handlers are async functions: a return type that also allowed plain values would make
// TypeScript widen `return 'takingPayment'` to string and lose the check against the states.
export type TransitionHandler<TData, TState extends string, TEvent> = (saga: SagaContext<TData, TState>, event: TEvent) => Promise<TState | void>;

export type StartHandler<TData, TState extends string, TEvent> = (saga: SagaActions, event: TEvent) => Promise<{ state: TState; data: TData }>;

/** Runs when a state's deadline passes. Returning the same state (or nothing) re-arms the timeout. */
export type TimeoutHandler<TData, TState extends string> = (saga: SagaContext<TData, TState>) => Promise<TState | void>;

export interface StateSpec<TData, TState extends string, E extends EventMap> {
  readonly on?: { readonly [K in EventName<E>]?: TransitionHandler<TData, TState, EventOf<E, K>> };
  /** How long the saga may stay in this state (default: the saga's `timeout`, 30 s); `false` for no limit. */
  readonly timeout?: Duration | false;
  /** Default: the saga's `onTimeout`. */
  readonly onTimeout?: TimeoutHandler<TData, TState>;
}

export interface SagaConfig<TData, E extends EventMap, S extends string, F extends string> {
  /** Unique per service; it keys the instances, the inbox and the metrics. */
  readonly name: string;
  readonly events: E;
  /** The states the saga waits in. */
  readonly states: readonly S[];
  /** States that end the saga: no timeout; events are still handled if a `during` asks for them. */
  readonly final: readonly F[];
  /** Per-state timeout unless a state says otherwise (default 30 s, shop.md). */
  readonly timeout?: Duration;
  /** Timeout handler for states that have none. */
  readonly onTimeout?: TimeoutHandler<TData, NoInfer<S | F>>;
  /**
   * Which instance an event belongs to. Default: the envelope's correlation id — replies to the
   * saga's own commands carry it, because the runtime copies it from the message they answer.
   */
  readonly correlateBy?: { readonly [K in EventName<NoInfer<E>>]?: (event: EventOf<NoInfer<E>, K>) => string };
}

/** What the engine runs: the checked, resolved form of a definition. */
export interface SagaDefinition<TData = unknown, E extends EventMap = EventMap, TState extends string = string> {
  readonly name: string;
  readonly events: E;
  readonly states: ReadonlySet<TState>;
  readonly finalStates: ReadonlySet<TState>;
  /** Message type (`{system}.{Name}`) → event name. */
  readonly eventsByType: ReadonlyMap<string, EventName<E>>;
  readonly starts: ReadonlyMap<string, StartHandler<TData, TState, any>>;
  readonly transitions: ReadonlyMap<TState, ReadonlyMap<string, TransitionHandler<TData, TState, any>>>;
  /** Milliseconds, or undefined for no timeout (final states, `timeout: false`). */
  timeoutMs(state: TState): number | undefined;
  timeoutHandler(state: TState): TimeoutHandler<TData, TState> | undefined;
  correlate(eventName: string, delivery: Delivery): string;
}

export class SagaDefinitionError extends Error {
  override readonly name = 'SagaDefinitionError';
}

function toMs(saga: string, where: string, value: Duration): number {
  const ms = durationMs(value);
  if (ms === undefined) throw new SagaDefinitionError(`saga "${saga}": ${where} ${JSON.stringify(value)} is not a duration (ms, or 500ms, 30s, 5m, 2h, 7d)`);
  return ms;
}

export class SagaBuilder<TData, E extends EventMap, S extends string, F extends string> {
  private readonly startHandlers = new Map<string, StartHandler<TData, S | F, any>>();
  private readonly specs = new Map<S | F, StateSpec<TData, S | F, E>>();

  constructor(private readonly config: SagaConfig<TData, E, S, F>) {}

  /** An event that creates an instance (when none exists for its correlation id). */
  startsWith<K extends EventName<E>>(event: K, handler: StartHandler<TData, S | F, EventOf<E, K>>): this {
    if (this.startHandlers.has(event)) throw new SagaDefinitionError(`saga "${this.config.name}": startsWith("${event}") is declared twice`);
    this.startHandlers.set(event, handler);
    return this;
  }

  /** What happens in `state`: the events it reacts to, its timeout and what the timeout does. */
  during(state: S | F, spec: StateSpec<TData, S | F, E>): this {
    if (this.specs.has(state)) throw new SagaDefinitionError(`saga "${this.config.name}": during("${state}") is declared twice`);
    this.specs.set(state, spec);
    return this;
  }

  /** Checks the definition as a whole; every mistake found is a SagaDefinitionError naming it. */
  build(): SagaDefinition<TData, E, S | F> {
    const { config } = this;
    const name = config.name;
    const problems: string[] = [];
    const states = new Set<S | F>(config.states);
    const finals = new Set<S | F>(config.final);
    for (const state of config.final) {
      if (states.has(state)) problems.push(`state "${state}" is listed both in states and in final`);
      states.add(state);
    }
    const eventNames = Object.keys(config.events);
    const eventsByType = new Map<string, EventName<E>>();
    for (const eventName of eventNames) {
      const descriptor = config.events[eventName]!;
      if (descriptor.name !== eventName) {
        problems.push(`event "${eventName}" is the message "${descriptor.name}": use the message name as the key`);
      }
      eventsByType.set(descriptor.type, eventName as EventName<E>);
    }
    if (this.startHandlers.size === 0) problems.push('no startsWith(event): nothing would ever create an instance');
    for (const event of this.startHandlers.keys()) {
      if (!eventNames.includes(event)) problems.push(`startsWith("${event}") names an event not in events`);
    }
    const defaultTimeout = toMs(name, 'timeout', config.timeout ?? DEFAULT_STATE_TIMEOUT);
    const timeouts = new Map<S | F, number | undefined>();
    const transitions = new Map<S | F, Map<string, TransitionHandler<TData, S | F, any>>>();
    for (const [state, spec] of this.specs) {
      if (!states.has(state)) problems.push(`during("${state}") names a state not in states or final`);
      const handlers = new Map<string, TransitionHandler<TData, S | F, any>>();
      for (const [event, handler] of Object.entries(spec.on ?? {})) {
        if (!eventNames.includes(event)) problems.push(`during("${state}") handles "${event}", which is not in events`);
        if (handler) handlers.set(event, handler as TransitionHandler<TData, S | F, any>);
      }
      transitions.set(state, handlers);
    }
    for (const state of states) {
      const spec = this.specs.get(state);
      if (finals.has(state)) {
        if (spec?.timeout !== undefined && spec.timeout !== false) problems.push(`final state "${state}" cannot have a timeout`);
        timeouts.set(state, undefined);
        continue;
      }
      if (!spec) {
        problems.push(`state "${state}" has no during("${state}", …): an instance there could never leave`);
        continue;
      }
      const ms = spec.timeout === false ? undefined : spec.timeout === undefined ? defaultTimeout : toMs(name, `during("${state}").timeout`, spec.timeout);
      timeouts.set(state, ms);
      if (ms !== undefined && !spec.onTimeout && !config.onTimeout) {
        problems.push(`state "${state}" times out after ${ms} ms but has no onTimeout (and the saga has no default onTimeout)`);
      }
    }
    if (problems.length > 0) {
      throw new SagaDefinitionError(`saga "${name}" is not valid:\n  - ${problems.join('\n  - ')}`);
    }
    const correlateBy = (config.correlateBy ?? {}) as Record<string, ((event: Delivery) => string) | undefined>;
    return {
      name,
      events: config.events,
      states,
      finalStates: finals,
      eventsByType,
      starts: new Map(this.startHandlers),
      transitions,
      timeoutMs: (state) => timeouts.get(state),
      timeoutHandler: (state) => this.specs.get(state)?.onTimeout ?? config.onTimeout,
      correlate(eventName, delivery) {
        const by = correlateBy[eventName];
        const id = by ? by(delivery) : delivery.envelope.correlationId;
        if (typeof id !== 'string' || id === '') {
          throw new Error(
            `saga "${name}" cannot correlate ${delivery.envelope.type} ${delivery.envelope.messageId}: ` +
              (by ? 'its correlateBy function returned no id' : 'the message has no correlation id'),
          );
        }
        return id;
      },
    };
  }
}

/**
 * Starts a saga definition. Curried so the data type is stated and everything else inferred:
 * `defineSaga<CheckoutData>()({ name, events, states, final })`.
 */
export function defineSaga<TData>() {
  return <const E extends EventMap, const S extends string, const F extends string>(config: SagaConfig<TData, E, S, F>) =>
    new SagaBuilder<TData, E, S, F>(config);
}
