/** emitAll: the whole output directory as a pure function of the model. */
import path from 'node:path';
import { vhostDefinitions } from '../../topology/rabbitmq-definitions.js';
import type { ContractModel } from '../model.js';
import { emitClient } from './clients.js';
import { posix } from './header.js';
import { emitMessages } from './messages.js';
import { packageJsonFile, runtimeContractFile, tsconfigFile } from './project.js';
import { buildTopology } from './topology.js';
import { systemTypeNames } from './type-names.js';
import { ENVELOPE_HEADERS_TYPE, emitEnvelopeTypes, emitSystemTypes } from './types.js';
import { compileSystem } from '../schema-compiler.js';
import { emitValidators, singleSchema } from './validators.js';

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export async function emitFiles(model: ContractModel): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  // Banners name files relative to the spec directory's parent (`asyncapi/shop/order.yaml`),
  // so the output does not depend on where the command ran.
  const base = path.posix.dirname(posix(model.specDir));
  const from = (file: string) => path.posix.relative(base, posix(file)) || '.';
  const specDir = from(model.specDir);
  const envelopeFrom = model.envelope.location ? from(model.envelope.location.file) : `${specDir} (the built-in envelope)`;

  files.set('package.json', packageJsonFile());
  files.set('tsconfig.json', tsconfigFile(specDir));
  files.set('runtime-contract.ts', runtimeContractFile());
  files.set('types/envelope.ts', await emitEnvelopeTypes(model.envelope, envelopeFrom));
  const envelopeValidators = emitValidators(
    singleSchema('envelope', model.envelope.headers),
    [{ name: ENVELOPE_HEADERS_TYPE, key: 'envelope' }],
    '../types/envelope.js',
    envelopeFrom,
  );
  files.set('validators/envelope.js', envelopeValidators.js);
  files.set('validators/envelope.d.ts', envelopeValidators.dts);

  const topology = buildTopology(model);
  for (const system of model.systems) {
    const systemFrom = `${specDir}/${system.name}`;
    const names = systemTypeNames(system);
    files.set(`types/${system.name}.ts`, await emitSystemTypes(system, names, systemFrom));
    const compiled = compileSystem(system);
    const exports = compiled.roots.map((root) => ({
      name: root.part === 'payload' ? names.payload(root.message.id) : names.headers(root.message.id)!,
      key: root.key,
    }));
    const validators = emitValidators(compiled.ajv, exports, `../types/${system.name}.js`, systemFrom);
    files.set(`validators/${system.name}.js`, validators.js);
    files.set(`validators/${system.name}.d.ts`, validators.dts);
    files.set(`messages/${system.name}.ts`, emitMessages(system, names, systemFrom));
    for (const service of system.services) {
      files.set(`clients/${system.name}/${service.name}.ts`, emitClient(system, service, names, from(service.file)));
    }
    files.set(`rabbitmq/${system.name}.definitions.json`, json(vhostDefinitions(topology, system.vhost)));
  }
  files.set('topology.json', json(topology));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
