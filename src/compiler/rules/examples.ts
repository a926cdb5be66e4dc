/**
 * Every message has at least one example, and every example validates against the message's
 * payload (and headers) schema (ep-message-example). Errors point inside the example.
 */
import type { ErrorObject } from 'ajv';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ContractModel } from '../model.js';
import type { MessageDraft } from '../model/drafts.js';
import { compileSystem } from '../schema-compiler.js';
import { pointerSegments } from '../../shared/schema-errors.js';

export function checkExamples(model: ContractModel, drafts: readonly MessageDraft[], sink: DiagnosticSink): void {
  const byId = new Map(drafts.map((d) => [d.id, d]));
  for (const system of model.systems) {
    const roots = compileSystem(system).roots;
    for (const message of system.messages) {
      const draft = byId.get(message.id)!;
      const payload = roots.find((r) => r.key === message.id)!;
      const headers = roots.find((r) => r.message === message && r.part === 'headers');
      const broken = [payload, headers].find((r) => r?.error !== undefined);
      if (broken) {
        sink.error(draft.location, `message ${message.name}: the ${broken.part} schema cannot be compiled: ${broken.error}`, 'ep-message-schema');
        continue;
      }
      if (draft.examples.length === 0) {
        sink.error(draft.location, `message ${message.name} has no example: add one under examples (the catalog and tests use it)`, 'ep-message-example');
        continue;
      }
      draft.examples.forEach((example, i) => {
        const label = example.example.name ?? `#${i + 1}`;
        if (!example.hasPayload) {
          sink.error(example.node.source.locate(example.node.path), `example ${label} of ${message.name} has no payload`, 'ep-message-example');
          return;
        }
        const report = (part: 'payload' | 'headers', errors: readonly ErrorObject[]) => {
          for (const error of errors) {
            const segments = pointerSegments(error.instancePath);
            // An unknown property is best shown at its own key.
            const extra = error.keyword === 'additionalProperties' ? [String(error.params.additionalProperty)] : [];
            const at = example.node.source.locate([...example.node.path, part, ...segments, ...extra], extra.length > 0 ? 'key' : 'value');
            const where = error.instancePath === '' ? part : `${part}${error.instancePath.replace(/\//g, '.')}`;
            sink.error(at, `example ${label} of ${message.name}: ${where} ${describe(error)}`, 'ep-message-example');
          }
        };
        if (!payload.validate!(example.example.payload)) report('payload', payload.validate!.errors ?? []);
        const headerValues = example.example.headers;
        if (headerValues !== undefined && headers?.validate && !headers.validate(headerValues)) report('headers', headers.validate.errors ?? []);
      });
    }
  }
}

export function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `has unknown property "${String(error.params.additionalProperty)}"`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return `must have property "${String(error.params.missingProperty)}"`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}
