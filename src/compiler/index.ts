/**
 * The compiler's public API. (Stub signatures agreed by the team; the compiler fills them in.)
 */
import type { ContractModel } from './model.js';
import type { Diagnostic } from './diagnostics.js';

export type { ContractModel } from './model.js';
export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';

export interface LoadResult {
  /** Present when there are no errors (warnings allowed). */
  readonly model?: ContractModel;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses and validates every AsyncAPI document under `specDir` (asyncapi/<system>/<service>.yaml)
 * and builds the contract model.
 */
export async function loadContracts(specDir: string): Promise<LoadResult> {
  throw new Error(`loadContracts(${specDir}) is not implemented yet`);
}

/** Every generated file (path relative to the output directory → content), pure. */
export async function emitAll(model: ContractModel): Promise<Map<string, string>> {
  throw new Error(`emitAll(${model.specDir}) is not implemented yet`);
}
