/**
 * Every message has at least one example, and every example validates against the message's
 * payload (and headers) schema (ep-message-example). Errors point inside the example.
 *
 * The verdict on a message depends only on its schemas and examples, so it is remembered by
 * their content (a memo): an unchanged message is neither compiled nor validated again.
 */
import type { ErrorObject } from 'ajv';
import { contentKey, type Memo } from '../cache/memo.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ContractModel, MessageModel } from '../model.js';
import type { MessageDraft } from '../model/drafts.js';
import { compileMessage } from '../schema-compiler.js';
import { pointerSegments } from '../../shared/schema-errors.js';

type Part = 'payload' | 'headers';
type ExampleError = Pick<ErrorObject, 'instancePath' | 'keyword' | 'params' | 'message'>;

/** What checking a message's examples found: plain data, so it can be remembered. */
type Verdict =
  | { readonly broken: { readonly part: Part; readonly error: string } }
  | { readonly failures: readonly { readonly example: number; readonly part: Part; readonly errors: readonly ExampleError[] }[] };

function judge(message: MessageModel, draft: MessageDraft): Verdict {
  const compiled = compileMessage(message);
  const broken = [compiled.payload, compiled.headers].find((r) => r?.error !== undefined);
  if (broken) return { broken: { part: broken.part, error: broken.error! } };
  const failures: { example: number; part: Part; errors: ExampleError[] }[] = [];
  const plain = (errors: readonly ErrorObject[] | null | undefined) =>
    (errors ?? []).map(({ instancePath, keyword, params, message: text }) => ({ instancePath, keyword, params, ...(text === undefined ? {} : { message: text }) }));
  draft.examples.forEach((example, i) => {
    if (!example.hasPayload) return;
    const payload = compiled.payload.validate!;
    if (!payload(example.example.payload)) failures.push({ example: i, part: 'payload', errors: plain(payload.errors) });
    const headers = compiled.headers?.validate;
    const values = example.example.headers;
    if (values !== undefined && headers && !headers(values)) failures.push({ example: i, part: 'headers', errors: plain(headers.errors) });
  });
  return { failures };
}

export function checkExamples(model: ContractModel, drafts: readonly MessageDraft[], sink: DiagnosticSink, memo?: Memo): void {
  const byId = new Map(drafts.map((d) => [d.id, d]));
  for (const system of model.systems) {
    for (const message of system.messages) {
      const draft = byId.get(message.id)!;
      const key = contentKey(message.payload, message.headers, draft.examples.map((e) => (e.hasPayload ? e.example : null)));
      let verdict = memo?.get('examples', key) as Verdict | undefined;
      if (verdict === undefined) {
        verdict = judge(message, draft);
        memo?.set('examples', key, verdict);
      }
      if ('broken' in verdict) {
        sink.error(draft.location, `message ${message.name}: the ${verdict.broken.part} schema cannot be compiled: ${verdict.broken.error}`, 'ep-message-schema');
        continue;
      }
      if (draft.examples.length === 0) {
        sink.error(draft.location, `message ${message.name} has no example: add one under examples (the catalog and tests use it)`, 'ep-message-example');
        continue;
      }
      draft.examples.forEach((example, i) => {
        if (!example.hasPayload) {
          const label = example.example.name ?? `#${i + 1}`;
          sink.error(example.node.source.locate(example.node.path), `example ${label} of ${message.name} has no payload`, 'ep-message-example');
        }
      });
      for (const failure of verdict.failures) {
        const example = draft.examples[failure.example]!;
        const label = example.example.name ?? `#${failure.example + 1}`;
        for (const error of failure.errors) {
          const segments = pointerSegments(error.instancePath);
          // An unknown property is best shown at its own key.
          const extra = error.keyword === 'additionalProperties' ? [String(error.params.additionalProperty)] : [];
          const at = example.node.source.locate([...example.node.path, failure.part, ...segments, ...extra], extra.length > 0 ? 'key' : 'value');
          const where = error.instancePath === '' ? failure.part : `${failure.part}${error.instancePath.replace(/\//g, '.')}`;
          sink.error(at, `example ${label} of ${message.name}: ${where} ${describe(error)}`, 'ep-message-example');
        }
      }
    }
  }
}

export function describe(error: ExampleError): string {
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
