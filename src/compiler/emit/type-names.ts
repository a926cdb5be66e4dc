/**
 * The names of a system's root types: a message's payload type is named after the message
 * (`OrderCreated`), its application headers `OrderCreatedHeaders`. Every emitter that refers
 * to a type asks here, so the names agree across files.
 */
import type { SystemModel } from '../model.js';
import { NameScope, safeTypeName } from './names.js';

export interface SystemTypeNames {
  payload(messageId: string): string;
  /** Undefined when the message declares no headers of its own. */
  headers(messageId: string): string | undefined;
}

export function systemTypeNames(system: SystemModel): SystemTypeNames {
  const scope = new NameScope();
  const payloads = new Map<string, string>();
  const headers = new Map<string, string>();
  // Payloads first: a message's payload type keeps the message's name whatever else exists.
  for (const message of system.messages) payloads.set(message.id, scope.claim(safeTypeName(message.name)));
  for (const message of system.messages) {
    if (message.headers !== undefined) headers.set(message.id, scope.claim(`${payloads.get(message.id)}Headers`));
  }
  return {
    payload: (id) => {
      const name = payloads.get(id);
      if (name === undefined) throw new Error(`no payload type for message ${id}`);
      return name;
    },
    headers: (id) => headers.get(id),
  };
}
