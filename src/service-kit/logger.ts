/**
 * One pino logger per service, shared by Fastify, the runtime and the durable state, so every
 * line carries the service id and (inside a handler) the message's correlation id.
 *
 * The contracts mark personal data (`x-pii: true`, docs/CONTRACTS.md); the compiler lists those
 * property names on each generated ServiceDescriptor (`personalData`), and they are censored
 * wherever they appear in a logged object, as are credentials, so a careless `log.info(payload)`
 * cannot leak them.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Credentials, not personal data: no contract declares them, yet they must never be logged. */
const SECRETS = ['password', 'authorization', 'cookie'];

/** Censored paths at the top level and one and two levels down (pino redaction needs explicit paths). */
export function redactPaths(personalData: readonly string[] = []): string[] {
  const keys = [...new Set([...SECRETS, ...personalData])];
  // Bracket notation keeps a key that is not an identifier (`from-address`) a valid pino path.
  const step = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
  return keys.flatMap((key) => [step(key).replace(/^\./, ''), `*${step(key)}`, `*.*${step(key)}`]);
}

export interface LoggerOptions {
  readonly service: string;
  readonly level: string;
  /** Property names the service's contracts mark as personal data (its ServiceDescriptor's `personalData`). */
  readonly personalData?: readonly string[];
  /** Where JSON lines go (stdout by default); `npm start` passes a stream that prefixes them. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { service: options.service, pid: process.pid },
    redact: { paths: redactPaths(options.personalData), censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // pino's default destination writes synchronously: the last lines before a crash are kept.
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
