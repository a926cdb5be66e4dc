/**
 * Precompiled validators (ajv standalone code, formats from ajv-formats): one ES module per
 * message under `validators/<system>/<Message>.js` (its payload validator and, when declared,
 * its headers validator), and per system a module re-exporting them all with a typed .d.ts —
 * the one entry point generated descriptors and users import. A module per message keeps a
 * one-field edit to one message inside that message's module.
 */
import type { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { contentKey, type Memo } from '../cache/memo.js';
import type { JsonSchema } from '../model.js';
import { checkSchema, compileMessage, standaloneAjv, type CompiledMessage } from '../schema-compiler.js';
import { banner } from './header.js';
import { stableLocalNames } from './stable-names.js';

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
  const ajv = standaloneAjv([schema]);
  checkSchema(schema);
  ajv.addSchema(schema as object, key);
  return ajv;
}

/** The standalone code exporting a validator per entry of `exports`, from schemas already in `ajv`. */
export function validatorCode(ajv: Ajv, exports: readonly ValidatorExport[], from: string): string {
  const code = stableLocalNames(standaloneCode(ajv, Object.fromEntries(exports.map((e) => [e.name, e.key]))).replace(/^"use strict";\s*/, ''));
  // ajv writes require() for its runtime helpers and ajv-formats' formats; in an ES module
  // that needs a require of our own.
  const prelude = code.includes('require(') ? "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n" : '';
  return `${banner(from)}\n${prelude}${code.trimEnd()}\n`;
}

/** The typed declarations of a module exporting `names`, validating the types of `typesModule`. */
export function validatorDeclarations(names: readonly string[], typesModule: string, from: string): string {
  return [
    banner(from),
    "import type { PayloadValidator } from '../runtime-contract.js';",
    `import type * as T from '${typesModule}';`,
    '',
    ...names.map((name) => `export declare const ${name}: PayloadValidator<T.${name}>;`).sort(),
    '',
  ].join('\n');
}

/** A module with the validators of `exports` (schemas already in `ajv`) and its .d.ts. */
export function emitValidators(ajv: Ajv, exports: readonly ValidatorExport[], typesModule: string, from: string): ValidatorModule {
  return { js: validatorCode(ajv, exports, from), dts: validatorDeclarations(exports.map((e) => e.name), typesModule, from) };
}

export interface MessageValidators {
  readonly message: CompiledMessage['payload']['message'];
  /** Export names: the payload type's, and the headers type's when declared. */
  readonly payload: string;
  readonly headers?: string;
}

/**
 * A system's validators: `validators/<system>/<Message>.js` per message and the re-exporting
 * `validators/<system>.js` + `.d.ts`, as path (relative to the output directory) → content.
 * A message's module is remembered by its schemas and names, so only edited messages compile.
 */
export function emitSystemValidators(system: string, messages: readonly MessageValidators[], from: string, memo?: Memo): Map<string, string> {
  const files = new Map<string, string>();
  const reexports: string[] = [];
  for (const { message, payload, headers } of messages) {
    const key = contentKey('validator', message.id, message.payload, message.headers ?? null, payload, headers ?? null, from);
    let js = memo?.get('validator', key) as string | undefined;
    if (typeof js !== 'string') {
      const compiled = compileMessage(message);
      const exports = [compiled.payload, ...(compiled.headers ? [compiled.headers] : [])].map((root) => ({ name: root.part === 'payload' ? payload : headers!, key: root.key }));
      js = validatorCode(compiled.ajv, exports, from);
      memo?.set('validator', key, js);
    }
    files.set(`validators/${system}/${payload}.js`, js);
    reexports.push(`export { ${[payload, ...(headers ? [headers] : [])].join(', ')} } from './${system}/${payload}.js';`);
  }
  files.set(`validators/${system}.js`, `${banner(from)}\n${reexports.sort().join('\n')}\n`);
  const names = messages.flatMap((m) => [m.payload, ...(m.headers ? [m.headers] : [])]);
  files.set(`validators/${system}.d.ts`, validatorDeclarations(names, `../types/${system}.js`, from));
  return files;
}
