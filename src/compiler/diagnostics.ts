/** A problem found in a contract, located precisely enough for an editor to jump to it. */
export interface Diagnostic {
  /** Path relative to the working directory. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Parser/spectral rule or platform rule id (`ep-…`). */
  readonly rule: string;
}

/** `file:line:col: error|warning: message (rule)` — the format editors and CI annotate. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} (${d.rule})`;
}
