/**
 * `eventplane scaffold` reads a contract and writes a service in the layout of
 * docs/ARCHITECTURE.md; run again after the contract grows, it adds only the new handler stub and
 * leaves every existing file — a filled-in handler included — as it was. (That the tree fails
 * tsc and its test until the stubs are written, and passes after: test/integration/scaffold.)
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { loadContracts } from '../../../src/compiler/index.js';
import { scaffoldPlan } from '../../../src/scaffold/index.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ep-scaffold-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the CLI in-process, capturing what it prints. */
async function scaffold(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = (sink: 'out' | 'err') => (chunk: string | Uint8Array) => {
    if (sink === 'out') out += String(chunk);
    else err += String(chunk);
    return true;
  };
  const saved = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = write('out') as typeof process.stdout.write;
  process.stderr.write = write('err') as typeof process.stderr.write;
  try {
    return { code: await main(['scaffold', ...args]), out, err };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

describe('scaffoldPlan', () => {
  it('plans the layout with one stub per received message, and a test', async () => {
    const { model } = await loadContracts('asyncapi', { validate: false, cacheDir: false });
    const plan = scaffoldPlan(model!, 'saas/webhooks');
    const paths = plan.files.map((f) => f.path);
    for (const file of ['main.ts', 'service.ts', 'config.ts', 'repository.ts', 'migrations/001_webhooks.sql', 'routes.ts', 'handlers.ts']) {
      expect(paths).toContain(`services/saas/webhooks/${file}`);
    }
    expect(plan.files.filter((f) => f.stub).map((f) => f.stub!.operation)).toEqual([
      'onPaymentFailed',
      'onPaymentSucceeded',
      'onProcessWebhook',
      'onUserCreated',
      'onUserDeleted',
      'onUserUpdated',
    ]);
    expect(paths).toContain('test/unit/services/saas/webhooks.test.ts');
    const stub = plan.files.find((f) => f.path.endsWith('handlers/onUserCreated.ts'))!.content;
    // Typed by the generated interface, and no return: tsc refuses it until it is written.
    expect(stub).toMatch(/\): client\.WebhooksHandlers\['onUserCreated'\] \{\n\}\n$/);
  });

  it('gives a service that receives nothing a readiness test alone, and schema-qualified tables', async () => {
    const { model } = await loadContracts('asyncapi', { validate: false, cacheDir: false });
    const plan = scaffoldPlan(model!, 'orbita/meetings');
    expect(plan.files.filter((f) => f.stub)).toEqual([]);
    const test = plan.files.find((f) => f.path === 'test/unit/services/orbita/meetings.test.ts')!.content;
    expect(test).toContain("it('is ready'");
    // An empty `deliveries` array would not type-check (implicit any[]); none is declared.
    expect(test).not.toMatch(/deliveries|senders|defineService/);
    const migration = plan.files.find((f) => f.path.endsWith('migrations/001_meetings.sql'))!.content;
    expect(migration).toContain('CREATE TABLE {{schema}}.meetings (');
  });

  it('names what it does not know', async () => {
    const { model } = await loadContracts('asyncapi', { validate: false, cacheDir: false });
    expect(() => scaffoldPlan(model!, 'saas/nope')).toThrow(/no service "nope" in system saas \(known: .*email/);
    expect(() => scaffoldPlan(model!, 'nope/email')).toThrow(/no system "nope"/);
    expect(() => scaffoldPlan(model!, 'saas')).toThrow(/expected <system>\/<service>/);
  });
});

describe('eventplane scaffold', () => {
  it('after the contract grows, adds only the new stub and says which; nothing is overwritten', async () => {
    const root = join(work, 'repo');
    const first = await scaffold(['saas/email', '--root', root]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('+ services/saas/email/handlers/onSendEmail.ts');
    expect(first.out).toMatch(/Handler stubs to write[^\n]*\n {2}onSendEmail \(SendEmail\): services\/saas\/email\/handlers\/onSendEmail\.ts/);

    // The team writes its handler and its own route.
    const written = join(root, 'services/saas/email/handlers/onSendEmail.ts');
    const filled = "export const onSendEmail = () => async () => {};\n";
    await writeFile(written, filled);
    const routes = join(root, 'services/saas/email/routes.ts');
    await writeFile(routes, '// the team\'s routes\n');
    const before = new Map<string, string>();
    for (const f of ['service.ts', 'handlers.ts', 'repository.ts', 'config.ts', 'main.ts', 'migrations/001_email.sql']) {
      before.set(f, await readFile(join(root, 'services/saas/email', f), 'utf8'));
    }
    const testBefore = await readFile(join(root, 'test/unit/services/saas/email.test.ts'), 'utf8');

    // The contract grows: email now also receives users' UserCreated.
    const spec = join(work, 'asyncapi');
    await cp('asyncapi', spec, { recursive: true });
    const email = join(spec, 'saas/email.yaml');
    const yaml = (await readFile(email, 'utf8'))
      .replace("channels:\n  sendEmail:\n    $ref: './notifications.yaml#/channels/sendEmail'\n", "channels:\n  sendEmail:\n    $ref: './notifications.yaml#/channels/sendEmail'\n  userCreated:\n    $ref: './users.yaml#/channels/userCreated'\n")
      .concat("  onUserCreated:\n    action: receive\n    title: Send the welcome email\n    channel: { $ref: '#/channels/userCreated' }\n    messages: [ { $ref: '#/channels/userCreated/messages/UserCreated' } ]\n");
    await writeFile(email, yaml);

    const again = await scaffold(['saas/email', '--root', root, '--spec', spec]);
    expect(again.code).toBe(0);
    const added = again.out.split('\n').filter((l) => l.startsWith('  + '));
    expect(added).toEqual(['  + services/saas/email/handlers/onUserCreated.ts']);
    expect(again.out).toContain('onUserCreated (UserCreated): services/saas/email/handlers/onUserCreated.ts');
    expect(again.out).toContain('Add each to services/saas/email/handlers.ts as well');
    expect(again.out).toContain('onUserCreated: onUserCreated(kit, repo),');
    expect(await readFile(join(root, 'services/saas/email/handlers/onUserCreated.ts'), 'utf8')).toMatch(/client\.EmailHandlers\['onUserCreated'\] \{\n\}\n$/);

    expect(await readFile(written, 'utf8')).toBe(filled);
    expect(await readFile(routes, 'utf8')).toBe("// the team's routes\n");
    for (const [f, content] of before) expect(await readFile(join(root, 'services/saas/email', f), 'utf8'), f).toBe(content);
    expect(await readFile(join(root, 'test/unit/services/saas/email.test.ts'), 'utf8')).toBe(testBefore);

    const third = await scaffold(['saas/email', '--root', root, '--spec', spec]);
    expect(third.out).toContain('nothing to add');
  });

  it('refuses an unknown service with one line, no stack trace', async () => {
    const result = await scaffold(['saas/nope', '--root', join(work, 'other')]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^eventplane scaffold: no service "nope" in system saas/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});
