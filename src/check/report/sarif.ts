/**
 * SARIF 2.1.0 for code scanning (GitHub and others): one run, the rule catalogue as the
 * driver's rules, one result per finding. Code scanning needs a physical location on every
 * result, so a finding without one is placed at `fallbackUri`. Paths are relative to the
 * source root (`%SRCROOT%`), which is where the check runs.
 */
import { createHash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../findings.js';
import { RULES_BY_ID } from '../rules.js';
import type { CheckReport } from './check-report.js';

export interface SarifOptions {
  readonly toolVersion: string;
  /** Where findings without a location are placed (a file that exists, relative to the root). */
  readonly fallbackUri: string;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function toSarif(report: CheckReport, options: SarifOptions): Log {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleFor = (f: Finding): number => {
    const known = ruleIndex.get(f.rule);
    if (known !== undefined) return known;
    const info = RULES_BY_ID.get(f.rule);
    const summary = info?.summary ?? `Contract diagnostic ${f.rule} reported by the eventplane compiler.`;
    rules.push({
      id: f.rule,
      name: f.rule.replace(/(^|[-_])([a-z0-9])/g, (_, __, ch: string) => ch.toUpperCase()),
      shortDescription: { text: summary.split(/(?<=\.)\s/)[0]! },
      fullDescription: { text: summary },
      defaultConfiguration: { level: f.category === 'drift' || f.category === 'diagnostic' ? 'error' : 'warning' },
      properties: { tags: ['eventplane', info?.category ?? f.category] },
    });
    ruleIndex.set(f.rule, rules.length - 1);
    return rules.length - 1;
  };

  const results: Result[] = report.findings.map((f) => {
    const index = ruleFor(f);
    const text = f.help ? `${f.message}. Fix: ${f.help}` : f.message;
    return {
      ruleId: f.rule,
      ruleIndex: index,
      level: f.severity,
      message: { text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(f.location?.file ?? options.fallbackUri), uriBaseId: '%SRCROOT%' },
            region: { startLine: f.location?.line ?? 1, startColumn: f.location?.column ?? 1 },
          },
        },
      ],
      // Stable across edits that move lines: the same change to the same field is the same alert.
      partialFingerprints: { 'eventplane/v1': fingerprint(f) },
      properties: {
        category: f.category,
        subject: f.subject,
        ...(f.field !== undefined ? { field: f.field } : {}),
        ...(f.consumers ? { consumers: f.consumers } : {}),
        ...(f.producers ? { producers: f.producers } : {}),
        ...(f.affected ? { affected: f.affected } : {}),
        ...(f.locatedAtBase ? { locatedAtBase: true } : {}),
      },
    };
  });

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eventplane-check',
            semanticVersion: options.toolVersion,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory eventplane check ran in.' } } },
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}

export function formatSarif(report: CheckReport, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}

function toUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function fingerprint(f: Finding): string {
  return createHash('sha256').update(`${f.rule}\u0000${f.subject}\u0000${f.field ?? ''}\u0000${f.category}`).digest('hex').slice(0, 32);
}
