/**
 * Acceptance of `eventplane scaffold` on a contract with no service (saas/email): in a
 * throwaway copy of the repository, the scaffolded tree fails `tsc` — on the handler stub and
 * nothing else — and its generated test fails; once the test fills the handler in, tsc passes and
 * the generated test (the service on the in-memory transport handling the contract's example
 * SendEmail) passes. Nothing is scaffolded into this repository's services/.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve('.');
let root: string;

/** Runs a command, resolving with its exit code and output whatever the code. */
async function exec(file: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  // The child is a run of its own, not a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ep-scaffold-tree-'));
  // The platform and the generated code as they are; services/ and test/ start empty.
  for (const dir of ['src', 'generated', 'node_modules', 'asyncapi']) await symlink(join(repo, dir), join(root, dir));
  for (const file of ['package.json', 'vitest.config.ts']) await cp(join(repo, file), join(root, file));
  const tsconfig = JSON.parse(await readFile(join(repo, 'tsconfig.json'), 'utf8')) as { include: string[] };
  await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['services', 'test'] }, null, 2));
  await mkdir(join(root, 'services'));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const tsc = () => exec(join(repo, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'], root);
const generatedTest = () => exec(join(repo, 'node_modules/.bin/vitest'), ['run', 'test/unit/services/saas/email.test.ts', '--project', 'unit'], root);

it('scaffolds a tree that type-checks and passes its own test only once the handler is written', async () => {
  const scaffolded = await exec(process.execPath, [join(repo, 'bin/eventplane.js'), 'scaffold', 'saas/email', '--root', root], repo);
  expect(scaffolded.code, scaffolded.output).toBe(0);
  expect(scaffolded.output).toContain('onSendEmail (SendEmail): services/saas/email/handlers/onSendEmail.ts');

  const [typesBefore, testBefore] = [await tsc(), await generatedTest()];
  expect(typesBefore.code).not.toBe(0);
  const errors = typesBefore.output.split('\n').filter((l) => /error TS\d+/.test(l));
  expect(errors, typesBefore.output).toHaveLength(1);
  expect(errors[0]).toMatch(/^services\/saas\/email\/handlers\/onSendEmail\.ts\(\d+,\d+\): error TS2355/);
  expect(testBefore.code, testBefore.output).not.toBe(0);
  expect(testBefore.output).toMatch(/saas\.SendEmail was retried or dead-lettered/);

  // Fill the stub in, as a team would: return the handler.
  const stub = join(root, 'services/saas/email/handlers/onSendEmail.ts');
  const text = await readFile(stub, 'utf8');
  expect(text.endsWith('{\n}\n')).toBe(true);
  await writeFile(stub, `${text.slice(0, -'{\n}\n'.length)}{\n  return async (delivery, context) => {\n    context.log.info({ type: delivery.name }, 'email sent');\n  };\n}\n`);

  const typesAfter = await tsc();
  expect(typesAfter.code, typesAfter.output).toBe(0);
  const testAfter = await generatedTest();
  expect(testAfter.code, testAfter.output).toBe(0);
  expect(testAfter.output).toMatch(/2 passed/);
}, 900_000);
