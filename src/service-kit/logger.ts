/**
 * One pino logger per service, shared by Fastify, the runtime and the durable state, so every
 * line carries the service id and (inside a handler) the message's correlation id.
 *
 * Contracts mark personal data (patients' contacts, customers' addresses): such fields and any
 * secret are censored wherever they appear in a logged object, so a careless `log.info(payload)`
 * cannot leak them.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

const SENSITIVE = ['password', 'authorization', 'cookie', 'patient', 'email', 'contactEmail', 'phone', 'shippingAddress', 'billingAddress', 'recipientName', 'paymentMethodToken'];

/** Censored paths at the top level and one and two levels down (pino redaction needs explicit paths). */
export const REDACT_PATHS: readonly string[] = SENSITIVE.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerOptions {
  readonly service: string;
  readonly level: string;
  /** Where JSON lines go (stdout by default); `npm start` passes a stream that prefixes them. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { service: options.service, pid: process.pid },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // pino's default destination writes synchronously: the last lines before a crash are kept.
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
