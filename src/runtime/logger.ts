import { pino } from 'pino';

/** The part of pino's Logger the runtime uses; any pino logger (or child) fits. */
export interface RuntimeLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  child(bindings: Record<string, unknown>): RuntimeLogger;
}

export function defaultLogger(service: string): RuntimeLogger {
  return pino({ name: 'eventplane', level: process.env['LOG_LEVEL'] ?? 'info', base: { service } });
}

/** An AMQP URL with the password replaced, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
