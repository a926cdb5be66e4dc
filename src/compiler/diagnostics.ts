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

/** Where a diagnostic points: a file and a 1-based position in it. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** `file:line:col: error|warning: message (rule)` — the format editors and CI annotate. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} (${d.rule})`;
}

/**
 * Collects diagnostics from every stage so one run reports every problem it can find.
 * Duplicates (the same problem reached from two documents) are kept once.
 */
export class DiagnosticSink {
  private readonly seen = new Set<string>();
  private readonly items: Diagnostic[] = [];
  private errorCount = 0;

  /**
   * `levels`: the configured level of each house rule (config/rules.ts). A house rule's
   * diagnostic takes its configured severity (or is dropped when off); other rules keep theirs.
   */
  constructor(private readonly levels: ReadonlyMap<string, 'error' | 'warn' | 'off'> = new Map()) {}

  add(diagnostic: Diagnostic): void {
    const level = this.levels.get(diagnostic.rule);
    if (level === 'off') return;
    const d: Diagnostic = level === undefined ? diagnostic : { ...diagnostic, severity: level === 'error' ? 'error' : 'warning' };
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.rule}\0${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
    if (d.severity === 'error') this.errorCount++;
  }

  error(at: Position, message: string, rule: string): void {
    this.add({ ...position(at), severity: 'error', message, rule });
  }

  warning(at: Position, message: string, rule: string): void {
    this.add({ ...position(at), severity: 'warning', message, rule });
  }

  get errors(): number {
    return this.errorCount;
  }

  has(predicate: (d: Diagnostic) => boolean): boolean {
    return this.items.some(predicate);
  }

  /** Sorted by file, line, column, so output is stable and reads top to bottom. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(compareDiagnostics);
  }
}

function position(at: Position): Position {
  return { file: at.file, line: at.line, column: at.column };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `2 errors, 1 warning` */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
