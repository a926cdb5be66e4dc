/**
 * Every diagnostic goes through one sink that applies the project's rule levels: a house rule at
 * `error` is an error, at `warn` a warning (it never blocks generation), at `off` dropped —
 * whatever stage reported it and at whatever severity (the parser's pass reports with its own
 * severities). A rule that is no house rule (the parser's own, correctness rules) keeps its
 * severity at every level.
 */
import { describe, expect, it } from 'vitest';
import { ruleLevels } from '../../../src/compiler/config/rules.js';
import { DiagnosticSink, type Diagnostic } from '../../../src/compiler/diagnostics.js';

const at = { file: 'a.yaml', line: 3, column: 5 };
const reported = (severity: Diagnostic['severity'], rule: string): Diagnostic => ({ ...at, severity, message: `${rule} says so`, rule });

function route(level: 'error' | 'warn' | 'off', diagnostics: readonly Diagnostic[]) {
  const sink = new DiagnosticSink(ruleLevels(['recommended'], { 'ep-owner': level }));
  for (const d of diagnostics) sink.add(d);
  return { errors: sink.errors, out: sink.sorted().map((d) => `${d.rule}:${d.severity}`) };
}

describe('lint levels route every diagnostic', () => {
  const incoming = [reported('warning', 'ep-owner'), reported('error', 'ep-owner'), reported('error', 'asyncapi-document-resolved'), reported('warning', 'asyncapi-parser'), reported('error', 'ep-reply')];

  it('error: the house rule is an error whichever severity it was reported with; the others keep theirs', () => {
    expect(route('error', incoming)).toEqual({
      errors: 3,
      out: expect.arrayContaining(['ep-owner:error', 'asyncapi-document-resolved:error', 'asyncapi-parser:warning', 'ep-reply:error']),
    });
  });

  it('warn: the house rule only warns (nothing blocks on it); correctness and parser errors still count', () => {
    const { errors, out } = route('warn', incoming);
    // Reported twice at one place with one message: kept once, as a warning.
    expect(out.filter((d) => d.startsWith('ep-owner'))).toEqual(['ep-owner:warning']);
    expect(errors).toBe(2);
  });

  it('off: the house rule is dropped; nothing else is', () => {
    const { errors, out } = route('off', incoming);
    expect(out.some((d) => d.startsWith('ep-owner'))).toBe(false);
    expect(out).toEqual(expect.arrayContaining(['asyncapi-document-resolved:error', 'asyncapi-parser:warning', 'ep-reply:error']));
    expect(errors).toBe(2);
  });

  it('recommended and strict set the level when the project does not', () => {
    const levels = (set: 'recommended' | 'strict') => {
      const sink = new DiagnosticSink(ruleLevels([set]));
      sink.add(reported('error', 'ep-message-example'));
      sink.add(reported('error', 'ep-unused-channel'));
      return sink.sorted().map((d) => `${d.rule}:${d.severity}`);
    };
    expect(levels('recommended')).toEqual(['ep-message-example:warning', 'ep-unused-channel:warning']);
    expect(levels('strict')).toEqual(['ep-message-example:error', 'ep-unused-channel:warning']);
  });
});
