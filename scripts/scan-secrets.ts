/**
 * `npm run scan-secrets [-- --json]`: looks for secrets in every file git tracks or would track
 * (untracked files that are not ignored) and in the generated output, with secretlint's
 * recommended rules (private keys, cloud, VCS, chat, payment and AI tokens, basic-auth URLs, …)
 * plus one rule of our own for what this platform handles: credentials written into AMQP,
 * PostgreSQL and other connection URLs, and password or secret assignments with a literal value.
 *
 * Prints `file:line:col: rule: message [fingerprint]` (the secret itself masked) and exits 1 when
 * it finds anything, 0 when the tree is clean. A known non-secret (a fake credential in a test) is
 * allowed by its fingerprint and path in scripts/secret-scan-allow.txt.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintRuleCreator } from '@secretlint/types';

export interface SecretFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: string;
  readonly message: string;
  /** sha256 of the matched value, first 16 hex digits: what an allowlist entry names. */
  readonly fingerprint: string;
}

/**
 * Known non-secrets (fake credentials in tests of configuration parsing, …), one per line:
 * `<fingerprint> <path> # why`. Fingerprints, not values, so the list itself holds no secret.
 */
export const ALLOWLIST_FILE = 'scripts/secret-scan-allow.txt';

/** Larger files are data, not configuration; the scan would only be slow on them. */
const MAX_BYTES = 5 * 1024 * 1024;

/** A literal credential in a connection URL: scheme://user:password@ — not a `${…}` template. */
const URL_CREDENTIALS = /\b(?:amqps?|postgres(?:ql)?|mysql|mariadb|redis|rediss|mongodb(?:\+srv)?|mqtt|https?):\/\/([^\s:/@'"`$<>{}]+):([^\s@/'"`$<>{}]{3,})@/gi;
/** `password = "…"`, `"secret": "…"`, `apiKey: '…'` with a literal value of 8+ characters. */
const ASSIGNMENT = /\b(password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|access[_-]?token|auth[_-]?token|private[_-]?key)\b["']?\s*[:=]\s*["']([^"'\s$`{}<>]{8,})["']/gi;
/** Values that are obviously placeholders, not secrets. */
const PLACEHOLDER = /^(?:x+|\*+|changeme|change-me|password|secret|example|redacted|placeholder|your[-_].*|<.*>|\.\.\.|test|dummy)$/i;

const eventplaneCredentials: SecretLintRuleCreator = {
  messages: {
    URL: { en: () => 'a password written into a connection URL: take it from the environment or a secret store' },
    ASSIGNMENT: { en: () => 'a literal value assigned to a password, secret, key or token: take it from the environment or a secret store' },
  },
  meta: { id: 'eventplane/credentials', type: 'scanner', recommended: true, supportedContentTypes: ['text'] },
  create(context) {
    const t = context.createTranslator(eventplaneCredentials.messages);
    return {
      file(source) {
        const text = source.content;
        for (const match of text.matchAll(URL_CREDENTIALS)) {
          const password = match[2]!;
          if (PLACEHOLDER.test(password)) continue;
          const start = match.index + match[0].indexOf(`:${password}@`) + 1;
          context.report({ message: t('URL'), range: [start, start + password.length] });
        }
        for (const match of text.matchAll(ASSIGNMENT)) {
          const value = match[2]!;
          if (PLACEHOLDER.test(value)) continue;
          const start = match.index + match[0].lastIndexOf(value);
          context.report({ message: t('ASSIGNMENT'), range: [start, start + value.length] });
        }
      },
    };
  },
};

const config = {
  rules: [
    { id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended },
    { id: 'eventplane/credentials', rule: eventplaneCredentials },
  ],
};

/** Reads the allowlist: fingerprint → paths it is allowed in. */
export function readAllowlist(root: string): Map<string, Set<string>> {
  const allowed = new Map<string, Set<string>>();
  let text: string;
  try {
    text = readFileSync(join(root, ALLOWLIST_FILE), 'utf8');
  } catch {
    return allowed;
  }
  for (const line of text.split('\n')) {
    const [fingerprint, path] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!fingerprint || !path) continue;
    if (!allowed.has(fingerprint)) allowed.set(fingerprint, new Set());
    allowed.get(fingerprint)!.add(path);
  }
  return allowed;
}

export function fingerprintOf(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** Scans `files` (paths relative to `root`). Binary and oversized files are skipped. */
export async function scanForSecrets(root: string, files: readonly string[], allowlist = readAllowlist(root)): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  for (const file of files) {
    const path = join(root, file);
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) continue;
      size = stat.size;
    } catch {
      continue; // deleted in the working tree
    }
    if (size > MAX_BYTES) continue;
    const bytes = readFileSync(path);
    if (bytes.includes(0)) continue;
    const content = bytes.toString('utf8');
    const result = await lintSource({
      source: { content, filePath: path, ext: extname(path), contentType: 'text' },
      options: { config, maskSecrets: true },
    });
    for (const message of result.messages) {
      const value = content.slice(message.range[0], message.range[1]);
      const fingerprint = fingerprintOf(value);
      if (allowlist.get(fingerprint)?.has(file)) continue;
      // secretlint masks the secret in its messages (maskSecrets); the value itself is never kept.
      findings.push({ file, line: message.loc.start.line, column: message.loc.start.column + 1, rule: message.ruleId, message: message.message, fingerprint });
    }
  }
  return findings;
}

/** What a commit would contain: tracked files plus untracked ones git does not ignore, and generated/. */
export function repositoryFiles(root: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter(Boolean);
  const generated = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--ignored', '--exclude-standard', '--', 'generated'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  return [...new Set([...listed, ...generated])].sort();
}

export function formatFinding(finding: SecretFinding): string {
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.rule}: ${finding.message} [${finding.fingerprint}]`;
}

async function main(): Promise<number> {
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const files = repositoryFiles(root);
  const findings = await scanForSecrets(root, files);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ files: files.length, findings }, null, 2)}\n`);
  else {
    for (const finding of findings) process.stdout.write(`${formatFinding(finding)}\n`);
    process.stderr.write(`${findings.length === 0 ? 'no secrets found' : `${findings.length} possible secret(s)`} in ${files.length} files (${relative(process.cwd(), root) || '.'})\n`);
  }
  return findings.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`scan-secrets: ${error.message}\n`);
      process.exit(2);
    },
  );
}
