/**
 * Configuration from the environment, checked once at start against a JSON schema: every
 * problem is reported together, by variable name, and the process refuses to start rather
 * than fail later on the first request. Variables marked `writeOnly` are secrets: their
 * values never appear in an error or a log line.
 */
import { Ajv, type ErrorObject } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { schemaProblems } from '../shared/schema-errors.js';

/** An object schema over environment variable names. */
export type EnvSchema = JSONSchema & { readonly type: 'object'; readonly properties: Readonly<Record<string, JSONSchema>> };

export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** The environment does not satisfy the service's schema; the message lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly service: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${service}: invalid configuration (environment variables):\n${problems.map((p) => `  ${p.variable} ${p.message}`).join('\n')}`);
  }
}

/** The variables every service reads. */
export const baseEnvSchema = {
  type: 'object',
  properties: {
    HOST: { type: 'string', default: '127.0.0.1', minLength: 1, description: 'interface the HTTP server binds to' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 0, description: 'HTTP port (0 picks a free one)' },
    LOG_LEVEL: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    AMQP_URL: {
      type: 'string',
      pattern: '^amqps?://[^,\\s]+(,amqps?://[^,\\s]+)*$',
      description: "broker URL(s) with the service's vhost, comma-separated for a cluster: amqp://127.0.0.1:5672/shop",
    },
    AMQP_CONNECT_TIMEOUT_MS: { type: 'integer', minimum: 1000, maximum: 600000, default: 60000, description: 'how long start-up waits for the first broker connection' },
    AMQP_USERNAME: { type: 'string', minLength: 1, description: "the service's own broker user (overrides the URL's)" },
    AMQP_PASSWORD: { type: 'string', minLength: 1, writeOnly: true, description: "the broker user's password" },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://', writeOnly: true, description: 'PostgreSQL; embedded PGlite when unset' },
    PGLITE_DATA_DIR: { type: 'string', minLength: 1, description: "PGlite's data directory; in memory when unset" },
    DATABASE_SCHEMA: {
      type: 'string',
      pattern: '^[a-z_][a-z0-9_]{0,40}$',
      description: "schema of the service's tables (eventplane's go to <schema>_ep); default <system>_<service>",
    },
    SHUTDOWN_TIMEOUT_MS: { type: 'integer', minimum: 1000, maximum: 600000, default: 25000 },
  },
  required: ['HOST', 'PORT', 'LOG_LEVEL', 'SHUTDOWN_TIMEOUT_MS', 'AMQP_CONNECT_TIMEOUT_MS'],
  additionalProperties: true,
} as const satisfies EnvSchema;

export type BaseConfig = FromSchema<typeof baseEnvSchema>;

/** The typed configuration of a service whose extra variables are described by `S`. */
export type ConfigOf<S extends EnvSchema> = BaseConfig & FromSchema<S>;

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false, logger: false });
ajvFormats.default(ajv);

/**
 * Validates `env` against the base schema merged with `schema` and returns the typed, coerced
 * configuration (defaults applied). Empty strings count as unset, as in most shells' `VAR=`.
 */
export function loadConfig(
  service: string,
  schema: EnvSchema,
  env: Readonly<Record<string, string | undefined>>,
  /** Variables required in this situation (AMQP_URL when the service connects to RabbitMQ itself). */
  alsoRequired: readonly string[] = [],
): BaseConfig & Record<string, unknown> {
  const merged = {
    type: 'object',
    properties: { ...baseEnvSchema.properties, ...schema.properties },
    required: [...baseEnvSchema.required, ...((schema as { required?: readonly string[] }).required ?? []), ...alsoRequired],
    additionalProperties: true,
  };
  const known = Object.keys(merged.properties);
  const input: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const validate = ajv.compile(merged);
  if (!validate(input)) {
    const secrets = new Set(known.filter((name) => (merged.properties as Record<string, { writeOnly?: boolean }>)[name]?.writeOnly));
    throw new ConfigError(service, describe(validate.errors ?? [], input, merged.properties as Record<string, { description?: string }>, secrets));
  }
  return input as unknown as BaseConfig & Record<string, unknown>;
}

function describe(
  errors: readonly ErrorObject[],
  input: Record<string, unknown>,
  properties: Record<string, { description?: string }>,
  secrets: ReadonlySet<string>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const problem of schemaProblems(errors)) {
    // The environment is flat: the variable is the first path segment.
    const variable = problem.path[0] ?? '(environment)';
    const hint = properties[variable]?.description;
    const got = problem.keyword === 'required' || secrets.has(variable) ? '' : ` (got ${JSON.stringify(input[variable])})`;
    const explained = hint && (problem.keyword === 'required' || problem.keyword === 'pattern') ? `: ${hint}` : '';
    const message = `${problem.message}${got}${explained}`;
    const key = `${variable}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ variable, message });
  }
  return problems;
}

/** The configuration with secrets replaced, for the start-up log line. */
export function redactConfig(config: Readonly<Record<string, unknown>>, schema?: EnvSchema): Record<string, unknown> {
  const properties = { ...baseEnvSchema.properties, ...(schema?.properties ?? {}) } as Record<string, { writeOnly?: boolean }>;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (properties[name]?.writeOnly) out[name] = '***';
    else if (typeof value === 'string' && /^amqps?:\/\//.test(value)) out[name] = value.replace(/\/\/([^:/@]+):[^@]*@/g, '//$1:***@');
    else out[name] = value;
  }
  return out;
}
