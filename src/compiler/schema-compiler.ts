/**
 * Compiles a message's schemas (payload, and headers when declared) in an ajv instance of its
 * own: the examples are checked with these validators and the message's standalone validator
 * module is generated from the same instance, so nothing is compiled twice. One instance per
 * message keeps ajv's generated names (validate10, schema11, …) local to the message, so an
 * edit to one message changes only its own module; it is also faster than one instance for a
 * whole system, whose growing scope ajv rescans on every compile. Schemas are checked against
 * the meta-schema by one shared instance rather than once per message instance.
 *
 * The cache is keyed by the model's message object: a new model compiles afresh.
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv, needsOwnProperties } from './ajv.js';
import { errorMessage } from './load/source.js';
import type { JsonSchema, MessageModel } from './model.js';

export interface CompiledRoot {
  /** ajv key: the message id, plus `#headers` for its headers. */
  readonly key: string;
  readonly message: MessageModel;
  readonly part: 'payload' | 'headers';
  readonly validate?: ValidateFunction;
  /** Why the schema did not compile. */
  readonly error?: string;
}

export interface CompiledMessage {
  readonly ajv: Ajv;
  readonly payload: CompiledRoot;
  readonly headers?: CompiledRoot;
}

const cache = new WeakMap<MessageModel, CompiledMessage>();
let metaChecker: Ajv | undefined;

export function headersKey(messageId: string): string {
  return `${messageId}#headers`;
}

/**
 * An ajv instance for standalone code of `schemas`, which are checked by `checkSchema` first;
 * own-property checks only where a schema names an Object.prototype member.
 */
export function standaloneAjv(schemas: readonly unknown[]): Ajv {
  return createAjv({ code: { source: true, esm: true, lines: true }, validateSchema: false, ownProperties: needsOwnProperties(schemas) });
}

/** Throws what ajv's own addSchema would throw for a schema that breaks the meta-schema. */
export function checkSchema(schema: JsonSchema): void {
  metaChecker ??= createAjv();
  if (!metaChecker.validateSchema(schema as object)) throw new Error(`schema is invalid: ${metaChecker.errorsText(metaChecker.errors)}`);
}

export function compileMessage(message: MessageModel): CompiledMessage {
  const known = cache.get(message);
  if (known) return known;
  const ajv = standaloneAjv([message.payload, message.headers]);
  const add = (key: string, part: CompiledRoot['part'], schema: JsonSchema): CompiledRoot => {
    try {
      checkSchema(schema);
      ajv.addSchema(schema as object, key);
      const validate = ajv.getSchema(key);
      return validate ? { key, message, part, validate } : { key, message, part, error: 'ajv returned no validator' };
    } catch (error) {
      ajv.removeSchema(key);
      return { key, message, part, error: errorMessage(error) };
    }
  };
  const payload = add(message.id, 'payload', message.payload);
  const compiled: CompiledMessage =
    message.headers === undefined ? { ajv, payload } : { ajv, payload, headers: add(headersKey(message.id), 'headers', message.headers) };
  cache.set(message, compiled);
  return compiled;
}
