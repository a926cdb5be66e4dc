// Spectral (inside @asyncapi/parser) creates fresh ajv instances for every document it
// validates, so the AsyncAPI JSON Schema — a few thousand subschemas — is compiled again for
// each one: about 85% of validation time. The schemas it compiles are keyed by `$id` and never
// change, so one set of instances can serve every document. This swaps spectral's factory for
// a memoised one (plain JavaScript so the parser's worker threads can load it too). If a
// spectral upgrade changes the module's shape, nothing is patched and validation is only slower.
import { createRequire } from 'node:module';

let done = false;

export function shareSpectralAjv() {
  if (done) return;
  done = true;
  // Resolve spectral the way the parser does, so the patched module is the one it uses.
  const require = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
  const ajv = require('@stoplight/spectral-functions/dist/schema/ajv.js');
  const create = ajv.createAjvInstances;
  if (typeof create !== 'function') return;
  let shared;
  ajv.createAjvInstances = () => (shared ??= create());
}
