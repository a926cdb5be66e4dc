/**
 * The project configuration: `eventplane.config.yaml` (or `.eventplane.yaml`, `.yml` too),
 * looked up from the spec directory upwards to the project root (the first directory holding a
 * package.json or .git), spectral-ruleset style:
 *
 *   extends: [strict]          # or recommended (the default)
 *   rules:
 *     ep-owner: warn           # error | warn | off
 *
 * Problems in the file are diagnostics like any other (file:line:col, rule ep-config).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { DiagnosticSink } from '../diagnostics.js';
import { didYouMean } from '../model/extensions.js';
import { isRecord } from '../load/pointer.js';
import { errorMessage, parseSource } from '../load/source.js';
import { HOUSE_RULES, RULE_SETS, isHouseRule, ruleLevels, type HouseRuleId, type RuleLevel, type RuleSetName } from './rules.js';

export const CONFIG_FILE_NAMES = ['eventplane.config.yaml', 'eventplane.config.yml', '.eventplane.yaml', '.eventplane.yml'] as const;

const LEVELS: readonly RuleLevel[] = ['error', 'warn', 'off'];

export interface ProjectConfig {
  /** Relative to the working directory; undefined when none was found (recommended applies). */
  readonly file?: string;
  readonly extends: readonly RuleSetName[];
  readonly levels: ReadonlyMap<string, RuleLevel>;
}

/** The config file that applies to `specDirAbs`, if any. */
export function findConfigFile(specDirAbs: string): string | undefined {
  for (let dir = resolve(specDirAbs); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

export async function loadProjectConfig(specDirAbs: string, cwd: string, sink: DiagnosticSink): Promise<ProjectConfig> {
  const absPath = findConfigFile(specDirAbs);
  const fallback: ProjectConfig = { extends: ['recommended'], levels: ruleLevels(['recommended']) };
  if (!absPath) return fallback;
  const file = relative(cwd, absPath) || absPath;
  let text: string;
  try {
    text = await readFile(absPath, 'utf8');
  } catch (error) {
    sink.error({ file, line: 1, column: 1 }, `cannot read the configuration: ${errorMessage(error)}`, 'ep-config');
    return { ...fallback, file };
  }
  const source = parseSource(absPath, file, text, sink);
  if (source.broken) return { ...fallback, file };
  const value = source.value ?? {};
  const error = (path: readonly (string | number)[], message: string, part: 'key' | 'value' = 'value') => sink.error(source.locate(path, part), message, 'ep-config');
  if (!isRecord(value)) {
    error([], 'the configuration must be a mapping with extends and rules');
    return { ...fallback, file };
  }
  for (const key of Object.keys(value)) {
    if (key !== 'extends' && key !== 'rules') error([key], `unknown key "${key}"${didYouMean(key, ['extends', 'rules'])}: the configuration takes extends and rules`, 'key');
  }
  const sets: RuleSetName[] = [];
  const named = value.extends === undefined ? [] : Array.isArray(value.extends) ? value.extends : [value.extends];
  named.forEach((set, i) => {
    const at = Array.isArray(value.extends) ? ['extends', i] : ['extends'];
    if (typeof set === 'string' && (RULE_SETS as readonly string[]).includes(set)) sets.push(set as RuleSetName);
    else error(at, `extends: ${JSON.stringify(set)} is not a rule set: use ${RULE_SETS.join(' or ')}${typeof set === 'string' ? didYouMean(set, RULE_SETS) : ''}`);
  });
  const overrides: Partial<Record<HouseRuleId, RuleLevel>> = {};
  if (value.rules !== undefined && !isRecord(value.rules)) error(['rules'], 'rules must be a mapping of rule id to error, warn or off');
  for (const [id, level] of Object.entries(isRecord(value.rules) ? value.rules : {})) {
    if (!isHouseRule(id)) {
      error(['rules', id], `unknown rule "${id}"${didYouMean(id, Object.keys(HOUSE_RULES))}; configurable rules: ${Object.keys(HOUSE_RULES).join(', ')} (the others protect correctness and are always errors)`, 'key');
    } else if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
      error(['rules', id], `rule ${id}: ${JSON.stringify(level)} is not a level: use error, warn or off`);
    } else overrides[id] = level as RuleLevel;
  }
  const applied = sets.length > 0 ? sets : (['recommended'] as RuleSetName[]);
  return { file, extends: applied, levels: ruleLevels(applied, overrides) };
}
