/**
 * The one ajv configuration the compiler uses, for checking examples and for the precompiled
 * validators alike, so an example that passes here passes at runtime.
 */
import { Ajv, type Options } from 'ajv';
// ajv-formats is CommonJS: under NodeNext its default import is the module, whose `default` is the plugin.
import ajvFormats from 'ajv-formats';

/** Names every object inherits: a schema property with one of these needs own-property checks. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True when some `properties`/`required` of `schemas` names an Object.prototype member. */
export function needsOwnProperties(schemas: readonly unknown[]): boolean {
  const visit = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(visit);
    if (value === null || typeof value !== 'object') return false;
    const record = value as Record<string, unknown>;
    const properties = record.properties;
    if (properties !== null && typeof properties === 'object' && Object.keys(properties).some((k) => INHERITED.has(k))) return true;
    if (Array.isArray(record.required) && record.required.some((k) => typeof k === 'string' && INHERITED.has(k))) return true;
    return Object.values(record).some(visit);
  };
  return schemas.some(visit);
}

/**
 * `ownProperties` (set by callers whose schemas need it, see needsOwnProperties): without it an
 * optional property named `constructor` or `toString` is "present" on every object, inherited
 * from Object.prototype; with it every property check costs a hasOwnProperty call, so it is
 * only on where such a name occurs.
 */
export function createAjv(options: Pick<Options, 'code' | 'ownProperties' | 'validateSchema'> = {}): Ajv {
  const ajv = new Ajv({
    ...options,
    // Contracts carry annotations (x-*, discriminator, examples) ajv does not know.
    strict: false,
    allErrors: true,
    allowUnionTypes: true,
    // Unknown formats (int64, …) are annotations too; never print to the console.
    logger: false,
  });
  ajvFormats.default(ajv);
  return ajv;
}
