/**
 * The secret scanner (scripts/scan-secrets.ts): the repository and the generated output are
 * clean, and secrets planted in a scratch tree are all found, with their position, masked, and
 * silenced only by an allowlist entry for that value in that file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOWLIST_FILE, fingerprintOf, formatFinding, readAllowlist, repositoryFiles, scanForSecrets } from '../../../scripts/scan-secrets.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ep-secrets-'));
  scratch.push(dir);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

// Assembled at run time so this file itself does not trip the scanner.
const join2 = (...parts: string[]) => parts.join('');
const PLANTED = {
  'config/broker.ts': `export const url = '${join2('amqp', '://shop-order:', 'Xq7fL2pW9zR4', '@rabbit.internal:5672/shop')}';\n`,
  'db.env': `DATABASE_URL=${join2('postgres', 'ql://app:', 'Tr0ub4dor-and-3', '@db.internal:5432/orders')}\n`,
  'keys/deploy.pem': `${join2('-----BEGIN ', 'RSA PRIVATE KEY-----')}\n${'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n'.repeat(20)}${join2('-----END ', 'RSA PRIVATE KEY-----')}\n`,
  'ci/aws.yaml': `aws_access_key_id: ${join2('AKIA', 'IOSFODNN7', 'Q2ZR4TW')}\naws_secret_access_key: ${join2('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYzQ8vLmN3kT')}\n`,
  'src/settings.json': `{ "${join2('pass', 'word')}": "${join2('s3cr3t-', 'Value-42')}" }\n`,
  'src/github.ts': `const token = '${join2('ghp_', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx')}';\n`,
};

describe('secret scanner', () => {
  it('finds no secret in the repository or the generated output', { timeout: 120_000 }, async () => {
    const files = repositoryFiles(root);
    expect(files.some((file) => file.startsWith('generated/'))).toBe(true);
    expect(files.length).toBeGreaterThan(100);
    const findings = await scanForSecrets(root, files);
    expect(findings.map(formatFinding)).toEqual([]);
  });

  it('finds every planted secret with its position, and never prints it', async () => {
    const dir = await tree(PLANTED);
    const findings = await scanForSecrets(dir, repositoryFiles(dir));
    const files = new Set(findings.map((f) => f.file));
    expect([...files].sort()).toEqual(Object.keys(PLANTED).sort());
    for (const finding of findings) {
      expect(finding.line).toBeGreaterThanOrEqual(1);
      expect(finding.column).toBeGreaterThanOrEqual(1);
      const printed = formatFinding(finding);
      for (const secret of ['Xq7fL2pW9zR4', 'Tr0ub4dor-and-3', 'bPxRfiCYzQ8vLmN3kT', 's3cr3t-Value-42', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx']) {
        expect(printed).not.toContain(secret);
      }
    }
    // The AMQP password is reported where it stands.
    const amqp = findings.find((f) => f.file === 'config/broker.ts' && f.rule === 'eventplane/credentials');
    expect(amqp).toMatchObject({ line: 1, column: PLANTED['config/broker.ts'].indexOf('Xq7fL2pW9zR4') + 1 });
  });

  it('ignores templates and placeholders, and allows a listed fingerprint only in its file', async () => {
    const dir = await tree({
      'src/url.ts': 'export const url = `amqp://${user}:${password}@${host}/shop`;\nconst example = "amqp://user:changeme@localhost";\n',
      'test/a.test.ts': `const fake = '${join2('redis', '://u:', 'not-a-real-one', '@cache')}';\n`,
      'test/b.test.ts': `const fake = '${join2('redis', '://u:', 'not-a-real-one', '@cache')}';\n`,
    });
    const before = await scanForSecrets(dir, repositoryFiles(dir));
    expect(before.filter((f) => f.file === 'src/url.ts')).toEqual([]);
    expect(new Set(before.map((f) => f.file))).toEqual(new Set(['test/a.test.ts', 'test/b.test.ts']));
    const fingerprint = fingerprintOf('not-a-real-one');
    await mkdir(join(dir, dirname(ALLOWLIST_FILE)), { recursive: true });
    await writeFile(join(dir, ALLOWLIST_FILE), `${fingerprint} test/a.test.ts  # fake, for a parser test\n`);
    expect(readAllowlist(dir).get(fingerprint)).toEqual(new Set(['test/a.test.ts']));
    const after = await scanForSecrets(dir, ['test/a.test.ts', 'test/b.test.ts']);
    expect(after.some((f) => f.file === 'test/b.test.ts')).toBe(true);
    expect(after.filter((f) => f.file === 'test/a.test.ts' && f.fingerprint === fingerprint)).toEqual([]);
  });
});
