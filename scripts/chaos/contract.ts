/**
 * The chaos suite's own contracts (./contract/chaos: a producer `ledger`, a consumer `tally`),
 * compiled by the real compiler on every run, so the suite exercises exactly what `eventplane
 * generate` emits: validators, descriptors and the topology (quorum queue, retry ladder, DLQ,
 * one least-privilege user per service).
 *
 * The output goes under .eventplane/ in the repository (git-ignored) rather than the system
 * temp directory: the generated validators import ajv-formats, which must resolve from
 * node_modules.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { emitAll, formatDiagnostic, loadContracts } from '../../src/compiler/index.js';
import { writeOutput } from '../../src/compiler/output.js';
import type { ReceiveDescriptor, SendDescriptor, ServiceDescriptor } from '../../src/runtime/contract.js';
import type { TopologyDocument } from '../../src/topology/types.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONTRACT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'contract');

export interface ChaosContract {
  /** Directory of the generated output (children import the clients from it). */
  readonly generatedDir: string;
  readonly topology: TopologyDocument;
}

/** Compiles the chaos contracts (with the repository's shared envelope) into `workDir/generated`. */
export async function generateChaosContract(workDir: string): Promise<ChaosContract> {
  const specDir = join(workDir, 'asyncapi');
  const generatedDir = join(workDir, 'generated');
  rmSync(specDir, { recursive: true, force: true });
  mkdirSync(specDir, { recursive: true });
  cpSync(join(REPO_ROOT, 'asyncapi', '_shared'), join(specDir, '_shared'), { recursive: true });
  cpSync(CONTRACT_DIR, specDir, { recursive: true });
  const result = await loadContracts(specDir, { cwd: workDir, cacheDir: false, threads: 1 });
  if (!result.model) {
    throw new Error(`the chaos contracts do not compile:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
  const files = await emitAll(result.model);
  await writeOutput(generatedDir, files);
  const topology = JSON.parse(files.get('topology.json')!) as TopologyDocument;
  return { generatedDir, topology };
}

export interface ChaosDescriptors {
  readonly ledger: ServiceDescriptor;
  readonly tally: ServiceDescriptor;
  readonly send: SendDescriptor<EntryRecorded>;
  readonly receive: ReceiveDescriptor;
}

/** The payload of the chaos stream (see contract/chaos/ledger.yaml). */
export interface EntryRecorded {
  stream: string;
  seq: number;
  createdAt: string;
  account: string;
  /** Position among the account's entries, from 1, in commit order. */
  accountSeq: number;
}

/**
 * Loads the generated descriptors. Found by shape rather than by export name, so a renamed
 * export in the emitter does not break the suite while the objects keep their contract.
 */
export async function loadChaosDescriptors(generatedDir: string): Promise<ChaosDescriptors> {
  const ledgerModule = (await import(pathToFileURL(join(generatedDir, 'clients/chaos/ledger.ts')).href)) as Record<string, unknown>;
  const tallyModule = (await import(pathToFileURL(join(generatedDir, 'clients/chaos/tally.ts')).href)) as Record<string, unknown>;
  const find = <T>(module: Record<string, unknown>, test: (value: Record<string, unknown>) => boolean, what: string): T => {
    const found = Object.values(module).find((value) => typeof value === 'object' && value !== null && test(value as Record<string, unknown>));
    if (!found) throw new Error(`the generated chaos client has no ${what}`);
    return found as T;
  };
  const isService = (id: string) => (value: Record<string, unknown>) => value['id'] === id && 'brokerUser' in value;
  return {
    ledger: find(ledgerModule, isService('chaos/ledger'), 'service descriptor for chaos/ledger'),
    tally: find(tallyModule, isService('chaos/tally'), 'service descriptor for chaos/tally'),
    send: find(ledgerModule, (value) => value['routingKey'] === 'chaos.entry.recorded' && 'operationId' in value, 'send descriptor'),
    receive: find(tallyModule, (value) => value['queue'] === 'tally.entries' && 'messages' in value, 'receive descriptor'),
  };
}
