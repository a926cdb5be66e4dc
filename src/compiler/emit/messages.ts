/** One MessageDescriptor per message: its identity, schema version and validators. */
import type { SystemModel } from '../model.js';
import { banner } from './header.js';
import { docText, tsString } from './names.js';
import type { SystemTypeNames } from './type-names.js';

export function messageDescriptorName(typeName: string): string {
  return `${typeName}Message`;
}

export function emitMessages(system: SystemModel, names: SystemTypeNames, from: string): string {
  const lines = [
    banner(from),
    "import type { MessageDescriptor } from '../runtime-contract.js';",
    `import type * as T from '../types/${system.name}.js';`,
    `import * as V from '../validators/${system.name}.js';`,
  ];
  for (const message of system.messages) {
    const payload = names.payload(message.id);
    const headers = names.headers(message.id);
    const generics = headers ? `T.${payload}, T.${headers}` : `T.${payload}`;
    const summary = message.summary ?? message.title;
    lines.push(
      '',
      ...(summary ? [`/** ${docText(summary)} */`] : []),
      `export const ${messageDescriptorName(payload)}: MessageDescriptor<${generics}> = {`,
      `  name: ${tsString(message.name)},`,
      `  type: ${tsString(message.type)},`,
      `  version: ${tsString(message.version)},`,
      `  system: ${tsString(system.name)},`,
      "  contentType: 'application/json',",
      `  validate: V.${payload},`,
      ...(headers ? [`  validateHeaders: V.${headers},`] : []),
      '};',
    );
  }
  return `${lines.join('\n')}\n`;
}
