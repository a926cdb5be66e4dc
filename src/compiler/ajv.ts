/**
 * The one ajv configuration the compiler uses, for checking examples and for the precompiled
 * validators alike, so an example that passes here passes at runtime.
 */
import { Ajv, type Options } from 'ajv';
// ajv-formats is CommonJS: under NodeNext its default import is the module, whose `default` is the plugin.
import ajvFormats from 'ajv-formats';

export function createAjv(options: Pick<Options, 'code' | 'validateSchema'> = {}): Ajv {
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
