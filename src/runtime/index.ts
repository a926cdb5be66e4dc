/**
 * The eventplane runtime: what services import. Generated clients only need the types in
 * ./contract.ts (EventPublisher, EventSubscriber and the descriptors); services create a Bus.
 */
export type * from './contract.js';
export type { Inbox, InboxKey, InboxOutcome } from './inbox.js';
export type { Bus, BusHealth, ConsumerHealth } from './bus.js';
export { createAmqpBus, AmqpBus, type AmqpBusOptions } from './amqp-bus.js';
export { createInMemoryBus, InMemoryBus, type InMemoryBusOptions } from './memory-bus.js';
export { InMemoryBroker, type QueuePolicy } from './memory/memory-broker.js';
export {
  createTestHarness,
  type TestHarness,
  type TestHarnessOptions,
  type ConsumedRecord,
  type PublishedRecord,
  type RetriedRecord,
  type DeadLetterRecord,
  type Match,
} from './test-harness.js';
export { MemoryInbox, type MemoryInboxOptions } from './memory-inbox.js';
export {
  EventplaneError,
  InvalidPayloadError,
  UnroutableError,
  QueueFullError,
  PublishTimeoutError,
  BrokerBlockedError,
  AccessRefusedError,
  BusClosedError,
  MissingTopologyError,
  BrokerUnreachableError,
  RequestTimeoutError,
  RemoteError,
  InvalidReplyError,
  RequestInterruptedError,
  type RemoteErrorCode,
  type MissingObject,
} from './errors.js';
export type { FieldError } from './schema-errors.js';
export type { DeadLetterReason } from './decode.js';
export type { DeliveryOutcome } from './consumer-pipeline.js';
export { CE as CLOUDEVENTS_HEADERS, EP as EVENTPLANE_HEADERS } from './envelope.js';
export { closeOnSignals, type CloseOnSignalsOptions } from './shutdown.js';
export type { RuntimeLogger } from './logger.js';
export { currentCause } from './causation.js';
