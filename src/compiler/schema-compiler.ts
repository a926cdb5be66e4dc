/**
 * Compiles a system's message schemas once: the examples are checked with these validators
 * and the standalone validator code is generated from the same ajv instance, so nothing is
 * compiled twice (ajv compilation is most of the compiler's own time).
 *
 * Roots are added and compiled in one fixed order (messages by id, payload then headers), so
 * the generated code is the same whether or not the instance was warmed by the example check.
 * The cache is keyed by the model's system object: a new model compiles afresh.
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv, needsOwnProperties } from './ajv.js';
import { errorMessage } from './load/source.js';
import type { JsonSchema, MessageModel, SystemModel } from './model.js';

export interface CompiledRoot {
  /** ajv key: the message id, plus `#headers` for its headers. */
  readonly key: string;
  readonly message: MessageModel;
  readonly part: 'payload' | 'headers';
  readonly validate?: ValidateFunction;
  /** Why the schema did not compile. */
  readonly error?: string;
}

export interface CompiledSystem {
  readonly ajv: Ajv;
  readonly roots: readonly CompiledRoot[];
}

const cache = new WeakMap<SystemModel, CompiledSystem>();

export function headersKey(messageId: string): string {
  return `${messageId}#headers`;
}

export function compileSystem(system: SystemModel): CompiledSystem {
  const known = cache.get(system);
  if (known) return known;
  const schemas = system.messages.flatMap((m) => [m.payload, m.headers]);
  const ajv = createAjv({ code: { source: true, esm: true, lines: true }, ownProperties: needsOwnProperties(schemas) });
  const roots: CompiledRoot[] = [];
  const add = (key: string, message: MessageModel, part: CompiledRoot['part'], schema: JsonSchema) => {
    try {
      ajv.addSchema(schema as object, key);
      const validate = ajv.getSchema(key);
      roots.push(validate ? { key, message, part, validate } : { key, message, part, error: 'ajv returned no validator' });
    } catch (error) {
      ajv.removeSchema(key);
      roots.push({ key, message, part, error: errorMessage(error) });
    }
  };
  for (const message of system.messages) {
    add(message.id, message, 'payload', message.payload);
    if (message.headers !== undefined) add(headersKey(message.id), message, 'headers', message.headers);
  }
  const compiled = { ajv, roots };
  cache.set(system, compiled);
  return compiled;
}
