/**
 * Precompiled validators (ajv standalone code, formats from ajv-formats), one per message
 * payload and per declared headers schema, one ES module per system with a typed .d.ts.
 */
import type { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createAjv, needsOwnProperties } from '../ajv.js';
import type { JsonSchema } from '../model.js';
import { banner } from './header.js';

// CommonJS under NodeNext: the default import is the module, whose `default` is the function.
const standaloneCode = standaloneModule.default;

export interface ValidatorExport {
  /** The export name (also the name of the type it validates). */
  readonly name: string;
  /** The schema's key in `ajv`. */
  readonly key: string;
}

export interface ValidatorModule {
  readonly js: string;
  readonly dts: string;
}

/** An ajv instance holding `schema` alone, under `key`. */
export function singleSchema(key: string, schema: JsonSchema): Ajv {
  const ajv = createAjv({ code: { source: true, esm: true, lines: true }, ownProperties: needsOwnProperties([schema]) });
  ajv.addSchema(schema as object, key);
  return ajv;
}

/**
 * The module exporting a validator per entry of `exports`, from schemas already in `ajv`
 * (created with `code.source`). `typesModule` is the import path (from the validators'
 * directory) of the module declaring the types named like the validators.
 */
export function emitValidators(ajv: Ajv, exports: readonly ValidatorExport[], typesModule: string, from: string): ValidatorModule {
  let code = standaloneCode(ajv, Object.fromEntries(exports.map((e) => [e.name, e.key]))).replace(/^"use strict";\s*/, '');
  // ajv writes require() for its runtime helpers and ajv-formats' formats; in an ES module
  // that needs a require of our own.
  const prelude = code.includes('require(') ? "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n" : '';
  code = `${banner(from)}\n${prelude}${code.trimEnd()}\n`;
  const declarations = exports.map((e) => `export declare const ${e.name}: PayloadValidator<T.${e.name}>;`).sort();
  const dts = [
    banner(from),
    "import type { PayloadValidator } from '../runtime-contract.js';",
    `import type * as T from '${typesModule}';`,
    '',
    ...declarations,
    '',
  ].join('\n');
  return { js: code, dts };
}
