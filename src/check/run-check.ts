/**
 * One `eventplane check` run, I/O at the edges around the pure analyses: load the working
 * tree's contracts, load the base ref's from git, diff them; simulate routing over the
 * topology; compare a live broker with the topology. Returns the report; printing and the exit
 * code are the CLI's.
 */
import { copyFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { loadContracts, type Diagnostic } from '../compiler/index.js';
import type { ContractModel } from '../compiler/model.js';
import type { TopologyDocument } from '../topology/types.js';
import { diffContracts } from './contract-diff.js';
import { compareDefinitions, type BrokerDefinitions } from './drift/compare-definitions.js';
import { fetchBrokerDefinitions } from './drift/fetch-definitions.js';
import { driftLocator } from './drift/locate-drift.js';
import { sortFindings, type Finding } from './findings.js';
import { baseFileMapper, extractSpecTree, relocateFiles, resolveBaseRef, sameTree } from './git-base.js';
import { SchemaLocator } from './locate-schema.js';
import type { CheckReport } from './report/check-report.js';
import { simulateRouting, type Route } from './routing/simulate.js';

export interface CheckOptions {
  /** Spec directory, relative to the working directory. */
  readonly specDir: string;
  /** Compare with a git ref: `{}` for the merge base with main, `{ ref }` for another; absent: skip. */
  readonly base?: { readonly ref?: string };
  /** Compare a live broker with the topology. */
  readonly broker?: {
    readonly url: string;
    readonly username: string;
    readonly password: string;
    /** Prefix the topology was applied with (local clusters and tests). */
    readonly namespace?: string;
  };
  /** The topology document for a model (the compiler's topology emitter). */
  readonly topology: (model: ContractModel) => TopologyDocument | Promise<TopologyDocument>;
  /** Progress lines for long steps (to stderr on a terminal). */
  readonly progress?: (message: string) => void;
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const cwd = process.cwd();
  const progress = options.progress ?? (() => {});
  const findings: Finding[] = [];
  let base: CheckReport['base'];
  let routes: readonly Route[] | undefined;
  let broker: CheckReport['broker'];

  // The broker first: wrong credentials or an unreachable broker fail before the slow part.
  let live: BrokerDefinitions | undefined;
  if (options.broker) {
    const { url, username, password } = options.broker;
    progress('reading the broker definitions');
    live = await fetchBrokerDefinitions({ url, username, password });
  }

  progress(`loading contracts from ${options.specDir}`);
  const head = await loadContracts(options.specDir);
  findings.push(...head.diagnostics.map(diagnosticFinding));

  if (options.base && head.model) {
    const ref = await resolveBaseRef(cwd, options.base.ref);
    progress(`loading the contracts at ${ref.label} (${ref.commit.slice(0, 12)})`);
    const tree = await extractSpecTree(cwd, ref.commit, options.specDir);
    try {
      const toReport = baseFileMapper(cwd, tree);
      let baseModel: ContractModel | undefined = emptyModel(options.specDir, head.model);
      if (tree.exists && (await sameTree(tree.specDir, resolve(cwd, options.specDir)))) {
        // Unchanged contracts: the base model is the head model.
        baseModel = head.model;
      } else if (tree.exists) {
        // Both sides are judged by the head's house-rule levels: the base tree is extracted outside
        // the project, where no configuration would be found.
        if (head.config?.file !== undefined) await copyFile(resolve(cwd, head.config.file), join(tree.specDir, basename(head.config.file)));
        const loaded = await loadContracts(relative(cwd, tree.specDir));
        baseModel = loaded.model ? relocateFiles(loaded.model, toReport) : undefined;
        if (!baseModel) {
          const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
          findings.push({
            category: 'contract',
            rule: 'base-unavailable',
            severity: 'warning',
            subject: ref.label,
            message: `the contracts at ${ref.label} do not load (${errors.length} errors, first: ${
              errors[0] ? `${toReport(errors[0].file)}:${errors[0].line} ${errors[0].message}` : 'none'
            }): breaking changes were not compared`,
          });
        }
      }
      if (baseModel) {
        progress('comparing');
        const diff = diffContracts(baseModel, head.model);
        const locator = new SchemaLocator({
          head: { cwd, fileOnDisk: (f) => f, fileInReport: (f) => f },
          base: {
            cwd,
            fileOnDisk: (f) => relative(cwd, resolve(tree.root, relative(tree.toplevel, resolve(cwd, f)))),
            fileInReport: toReport,
          },
        });
        for (const finding of diff.findings) findings.push(await locator.refine(finding));
        base = { label: ref.label, commit: ref.commit, compared: diff.compared, added: diff.added, removed: diff.removed };
      }
    } finally {
      await tree.dispose();
    }
  }

  let topology: TopologyDocument | undefined;
  if (head.model) {
    topology = await options.topology(head.model);
    progress('simulating routing');
    const simulation = simulateRouting(head.model, topology);
    routes = simulation.routes;
    findings.push(...simulation.findings);
  }

  if (options.broker && live && head.model && topology) {
    const { username, namespace } = options.broker;
    findings.push(
      ...compareDefinitions(topology, live, {
        namespace: namespace ?? '',
        ignoreUsers: [username],
        locate: driftLocator(head.model, topology),
      }),
    );
    broker = { url: new URL(options.broker.url).origin, vhosts: topology.vhosts.map((v) => `${namespace ?? ''}${v.name}`) };
  }

  return {
    specDir: options.specDir,
    ...(base ? { base } : {}),
    ...(routes ? { routes } : {}),
    ...(broker ? { broker } : {}),
    findings: sortFindings(findings),
  };
}

function diagnosticFinding(d: Diagnostic): Finding {
  return {
    category: 'diagnostic',
    rule: d.rule,
    severity: d.severity,
    subject: d.file,
    message: d.message,
    location: { file: d.file, line: d.line, column: d.column },
  };
}

/** The base when the spec directory did not exist yet: nothing to break. */
function emptyModel(specDir: string, like: ContractModel): ContractModel {
  return { specDir, systems: [], envelope: like.envelope };
}
