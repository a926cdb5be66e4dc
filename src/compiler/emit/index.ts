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
import { emitSystemValidators, emitValidators, singleSchema } from './validators.js';
import type { Memo } from '../cache/memo.js';

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export interface EmitOptions {
  /** Remembers per-message validator modules and rendered types by content (see cache/memo.ts). */
  readonly memo?: Memo;
}

export async function emitFiles(model: ContractModel, options: EmitOptions = {}): Promise<Map<string, string>> {
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
    files.set(`types/${system.name}.ts`, await emitSystemTypes(system, names, systemFrom, options.memo));
    const validators = system.messages.map((message) => {
      const headers = message.headers === undefined ? undefined : names.headers(message.id);
      return { message, payload: names.payload(message.id), ...(headers ? { headers } : {}) };
    });
    for (const [file, content] of emitSystemValidators(system.name, validators, systemFrom, options.memo)) files.set(file, content);
    files.set(`messages/${system.name}.ts`, emitMessages(system, names, systemFrom));
    for (const service of system.services) {
      files.set(`clients/${system.name}/${service.name}.ts`, emitClient(system, service, names, from(service.file)));
    }
    files.set(`rabbitmq/${system.name}.definitions.json`, json(vhostDefinitions(topology, system.vhost)));
  }
  files.set('topology.json', json(topology));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
