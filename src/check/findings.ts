/**
 * What `eventplane check` reports: one finding per change, route problem or drifted object,
 * in a shape shared by the text, JSON and SARIF outputs.
 */
import type { SourceLocation } from '../compiler/model.js';

/**
 * What a change does to one side of a message.
 * breaking: messages are rejected or misread; risky: only unusual (but valid) messages, or data
 * consumers may rely on, are affected; none: nobody notices.
 */
export type Impact = 'breaking' | 'risky' | 'none';

export type Severity = 'error' | 'warning' | 'note';

export type FindingCategory = 'contract' | 'routing' | 'drift' | 'diagnostic';

/** The services on each side of a message that a change reaches. */
export interface AffectedParties {
  /** Consumers deployed from the base contract (service ids). */
  readonly consumers: readonly string[];
  /** The producer (service id). */
  readonly producers: readonly string[];
}

/** Where in a message a schema change sits, so the edge can map it to a line. */
export interface SchemaPointer {
  readonly part: 'payload' | 'headers' | 'envelope';
  /** The side whose schema `path` points into. */
  readonly side: 'base' | 'head';
  /** JSON pointer inside that side's schema. */
  readonly path: string;
  /** The message whose schema it is (absent for the envelope). */
  readonly message?: string;
}

export interface Finding {
  readonly category: FindingCategory;
  readonly rule: string;
  readonly severity: Severity;
  /** One sentence: what changed and why it matters. */
  readonly message: string;
  /** What it is about: a message id, channel id, queue, `envelope`, a broker object. */
  readonly subject: string;
  readonly location?: SourceLocation;
  /** The location is in the base ref's contracts (the thing was removed or moved). */
  readonly locatedAtBase?: true;
  /** How to make the change safely. */
  readonly help?: string;
  /** The instance field a schema change is about (`lines[].sku`). */
  readonly field?: string;
  readonly consumers?: Impact;
  readonly producers?: Impact;
  readonly affected?: AffectedParties;
  readonly pointer?: SchemaPointer;
  /** Drift: the object kind and the live/expected values. */
  readonly object?: { readonly kind: string; readonly vhost?: string; readonly name: string };
  readonly expected?: unknown;
  readonly actual?: unknown;
}

const rank: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings) if (worst === undefined || rank[f.severity] < rank[worst]) worst = f.severity;
  return worst;
}

/** Errors first, then by file, line, rule: the order every output prints in. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      (a.location?.file ?? '\uffff').localeCompare(b.location?.file ?? '\uffff') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      a.rule.localeCompare(b.rule) ||
      a.subject.localeCompare(b.subject) ||
      a.message.localeCompare(b.message),
  );
}
