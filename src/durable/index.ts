/**
 * Durable state for eventplane services: a store (PostgreSQL or PGlite) with versioned
 * migrations, the transactional outbox and its relay, the transactional inbox, sagas, and
 * retention. See docs/ARCHITECTURE.md, "Durable state".
 */
export { openDurableState, DurableState, type DurableStateOptions } from './durable-state.js';
export { openStore, storeOptionsFromEnv, DEFAULT_SCHEMA, type StoreOptions } from './open-store.js';
export { StoreMisuseError, type DurableStore, type Transaction, type Sql, type QueryResult, type StoreKind } from './store.js';
export { migrate, loadMigrations, MigrationError, type Migration, type MigrationResult } from './migrations.js';
export { Outbox, type OutboxEvent, type OutboxReceipt } from './outbox.js';
export { OutboxRelay, OUTBOX_PARTITIONS, type OutboxRelayOptions, type RelayCycle } from './outbox-relay.js';
export { DurableInbox, DEFAULT_INBOX_RETENTION_MS, type TransactionalHandler, type ConsumerName, type DurableInboxOptions } from './inbox.js';
export { PeriodicTask, type PeriodicOptions } from './periodic.js';
export { Housekeeper, runHousekeeping, type RetentionOptions, type HousekeepingResult } from './housekeeping.js';
export {
  defineSaga,
  SagaDefinitionError,
  DEFAULT_STATE_TIMEOUT,
  type SagaDefinition,
  type SagaContext,
  type SagaActions,
  type SagaConfig,
  type StateSpec,
  type Duration,
  type EventOf,
} from './saga/definition.js';
export { SagaEngine, SagaConcurrencyError, type SagaEngineOptions, type SagaOutcome, type SagaTransition, type SagaInstance } from './saga/engine.js';
