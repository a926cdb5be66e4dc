/**
 * AsyncAPI written without eventplane in mind (test/fixtures/specs/styles): each style generates
 * with the `recommended` house rules, the output matches its golden files and tsc passes on it;
 * the house rules follow the project configuration; 2.x diagnostics point at the 2.x file.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, loadContracts } from '../../../src/compiler/index.js';
import { compileMessage } from '../../../src/compiler/schema-compiler.js';
import { eventplane, fixtures, tempDir, tsc, writeFiles } from './support.js';

const styles = join(fixtures, 'styles');
const cleanup: (() => Promise<void>)[] = [];
/** Style → its output directory and the CLI's stderr (filled by the first block, read by the next). */
const outputs = new Map<string, { out: string; stderr: string }>();
const generated = (style: string, file: string) => readFile(join(outputs.get(style)!.out, file), 'utf8');
afterAll(async () => {
  for (const remove of cleanup) await remove();
});

/** The generated files worth reading in a diff (the validators' code is ajv's, checked by behaviour). */
const GOLDEN = /^(types|clients|messages)\/|^topology\.json$|^package\.json$|^tsconfig\.json$/;

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, path)));
    else out.push(path);
  }
  return out.sort();
}

describe.each(['plain', 'amqp', 'v2', 'kafka'])('style %s', (style) => {
  it('generates without errors, matches its golden output, and typechecks', { timeout: 900_000 }, async () => {
    const dir = await tempDir(`style-${style}`);
    cleanup.push(dir.remove);
    const out = join(dir.path, 'out');
    const result = await eventplane(['generate', '--spec', join('test/fixtures/specs/styles', style), '--out', out, '--no-cache']);
    expect(result.stderr).not.toMatch(/: error:|\n\s+at /);
    expect(result.code).toBe(0);
    outputs.set(style, { out, stderr: result.stderr });
    await expect(result.stderr).toMatchFileSnapshot(join(styles, '__golden__', style, 'diagnostics.txt'));
    for (const file of (await listFiles(out)).filter((f) => GOLDEN.test(f))) {
      await expect(await readFile(join(out, file), 'utf8')).toMatchFileSnapshot(join(styles, '__golden__', style, `${file}.golden`));
    }
    const checked = await tsc(out);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });
});

describe('what each style compiles to', () => {
  it('plain: a schema shared by two messages is one type; tuples are exact', async () => {
    const types = await generated('plain', 'types/plain.ts');
    expect(types).toContain('export interface Book {');
    expect(types).toContain('export type BookAdded = Book;');
    expect(types).toContain('export type BookUpdated = Book;');
    expect(types).toContain(`'position': [string, number];`);
    expect(types).toContain(`'reading': [number, number, string];`);
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(types).toContain(`'${key}'?:`);
  });

  it('plain: properties named like Object.prototype members validate as the payload own properties', { timeout: 600_000 }, async () => {
    const { model } = await loadContracts(join(styles, 'plain'), { cacheDir: false });
    const validate = compileMessage(model!.systems[0]!.messages.find((m) => m.name === 'ShelfScanned')!).payload.validate!;
    const base = { position: ['A', 1], reading: [1, 2, 'x'] };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, meta: {} })).toBe(true);
    expect(validate({ ...base, meta: { constructor: 'x', toString: 'y', hasOwnProperty: true } })).toBe(true);
    expect(validate({ ...base, meta: { constructor: 1 } })).toBe(false);
    expect(validate({ ...base, meta: { hasOwnProperty: 'no' } })).toBe(false);
    expect(validate({ ...base, position: ['A', 1, 2] })).toBe(false);
    expect(validate({ ...base, reading: [1, 2, 'x', 'extra'] })).toBe(false);
  });

  it('amqp: parameters are routing-key words, is: queue goes through the default exchange, four exchange types', async () => {
    const topology = JSON.parse(await generated('amqp', 'topology.json')) as {
      exchanges: { name: string; type: string }[];
      bindings: { source: string; destination: string; routingKey: string }[];
      permissions: { user: string; write: string }[];
      topicPermissions: { user: string; write: string }[];
    };
    expect(topology.exchanges.filter((e) => !/\.(dlx|retry)$/.test(e.name)).map((e) => `${e.name}:${e.type}`)).toEqual(['audit:headers', 'lighting:topic', 'maintenance:direct', 'outages:fanout']);
    expect(topology.bindings).toContainEqual(expect.objectContaining({ source: 'lighting', routingKey: 'smartylighting.streetlights.*.lighting.measured' }));
    expect(topology.bindings).toContainEqual(expect.objectContaining({ source: 'outages', destination: 'dashboard.outage', routingKey: '' }));
    expect(topology.bindings.some((b) => b.destination === 'streetlights.dim' && b.source === '')).toBe(false);
    expect(topology.permissions.find((p) => p.user === 'amqp-dashboard')!.write).toContain('amq\\.default');
    expect(topology.topicPermissions.find((p) => p.user === 'amqp-streetlights')!.write).toBe('^(?:smartylighting\\.streetlights\\.[^.]+\\.lighting\\.measured)$');
    const client = await generated('amqp', 'clients/amqp/streetlights.ts');
    expect(client).toContain('publishMeasurement(parameters: { readonly streetlightId: string }, payload: T.LightMeasured');
    const dashboard = await generated('amqp', 'clients/amqp/dashboard.ts');
    expect(dashboard).toContain(`exchange: '',`);
    expect(dashboard).toContain(`routingKey: 'streetlights.dim',`);
  });

  it('kafka: types and validators, no topology, one note for the document', async () => {
    const diagnostics = outputs.get('kafka')!.stderr;
    expect(diagnostics.match(/\(ep-protocol\)/g)).toHaveLength(1);
    expect(diagnostics).toContain('bound to kafka, not amqp');
    const types = await generated('kafka', 'types/kafka.ts');
    expect(types).toContain('export interface Reading {');
    const topology = JSON.parse(await generated('kafka', 'topology.json')) as { exchanges: unknown[]; queues: unknown[] };
    expect(topology.exchanges).toEqual([]);
    expect(topology.queues).toEqual([]);
  });
});

describe('versions', () => {
  it('2.6: diagnostics point at the lines of the 2.6 file; validate says which version it read', { timeout: 600_000 }, async () => {
    const result = await loadContracts(join(styles, 'v2'), { cacheDir: false });
    expect(result.documents).toEqual([{ file: join(styles, 'v2/orders.yaml').slice(process.cwd().length + 1), version: '2.6.0', convertedTo: '3.0.0' }]);
    const printed = result.diagnostics.map(formatDiagnostic).join('\n');
    // `name: order_placed` is line 14 of the 2.6 document; the converted one has no such line.
    expect(printed).toMatch(/v2\/orders\.yaml:14:\d+: warning: message name order_placed must be PascalCase/);
    const cli = await eventplane(['validate', '--spec', 'test/fixtures/specs/styles/v2', '--no-cache']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('orders.yaml: AsyncAPI 2.6.0 (converted to 3.0.0 in memory)');
    const amqp = await eventplane(['validate', '--spec', 'test/fixtures/specs/styles/amqp', '--no-cache']);
    expect(amqp.stdout).toContain('streetlights.yml: AsyncAPI 3.1.0');
  });
});

describe('house rules follow the project configuration', () => {
  const document = (title: string) =>
    [
      'asyncapi: 3.0.0',
      `info: { title: ${title}, version: 1.0.0 }`,
      'channels:',
      '  done: { address: job.done, messages: { Done: { payload: { type: object } } } }',
      'operations:',
      "  sendDone: { action: send, channel: { $ref: '#/channels/done' } }",
      '',
    ].join('\n');

  it('no config: recommended, house rules warn and the model is built', { timeout: 600_000 }, async () => {
    const dir = await tempDir('config-none');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, { 'jobs/worker.yml': document('Job Worker') });
    const result = await loadContracts('.', { cwd: dir.path, cacheDir: false });
    expect(result.model).toBeDefined();
    expect(result.config).toEqual({ extends: ['recommended'] });
    const owner = result.diagnostics.find((d) => d.rule === 'ep-owner')!;
    expect(owner.severity).toBe('warning');
    // The file name as written (.yml), and the name the title gives the service.
    expect(result.diagnostics.find((d) => d.rule === 'ep-service-name')!.message).toBe(
      'info.title is "Job Worker" but the file is worker.yml: the service name is the file name; the service is named job-worker after the title',
    );
    expect(result.model!.systems[0]!.services.map((s) => s.name)).toEqual(['job-worker']);
  });

  it('strict makes them errors; rules overrides win; correctness rules stay errors', { timeout: 600_000 }, async () => {
    const dir = await tempDir('config-strict');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, {
      '.eventplane.yaml': 'extends: strict\nrules:\n  ep-owner: off\n  ep-message-example: warn\n',
      'jobs/worker.yaml': document('worker'),
      'jobs/other.yaml': document('other'),
    });
    const result = await loadContracts('.', { cwd: dir.path, cacheDir: false });
    expect(result.model).toBeUndefined();
    expect(result.diagnostics.some((d) => d.rule === 'ep-owner')).toBe(false);
    expect(result.diagnostics.filter((d) => d.rule === 'ep-message-example').every((d) => d.severity === 'warning')).toBe(true);
    expect(result.diagnostics.find((d) => d.rule === 'ep-amqp-binding')!.severity).toBe('error');
    expect(result.diagnostics.find((d) => d.rule === 'ep-duplicate-routing-key')!.severity).toBe('error');
  });

  it('a bad config file is reported at its line, with the rules it knows', { timeout: 600_000 }, async () => {
    const dir = await tempDir('config-bad');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, {
      'eventplane.config.yaml': 'extends: [strickt]\nrules:\n  ep-ownr: error\n  ep-version: loud\n  ep-duplicate-routing-key: warn\n',
      'jobs/worker.yaml': document('worker'),
    });
    const result = await eventplane(['validate', '--spec', '.', '--no-cache'], dir.path);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).toContain('eventplane.config.yaml:1:11: error: extends: "strickt" is not a rule set: use recommended or strict (did you mean "strict"?) (ep-config)');
    expect(result.stderr).toContain('eventplane.config.yaml:3:3: error: unknown rule "ep-ownr" (did you mean "ep-owner"?)');
    expect(result.stderr).toContain('eventplane.config.yaml:4:15: error: rule ep-version: "loud" is not a level: use error, warn or off (ep-config)');
    expect(result.stderr).toMatch(/eventplane\.config\.yaml:5:3: error: unknown rule "ep-duplicate-routing-key".*always errors/);
  });

  it('this repository opts into strict', async () => {
    expect(await readFile(join(fixtures, '../../../eventplane.config.yaml'), 'utf8')).toMatch(/^extends: \[strict\]$/m);
  });
});

describe('remote references', () => {
  it('an unfetchable remote $ref is one line naming the URL as written', { timeout: 600_000 }, async () => {
    const dir = await tempDir('remote-ref');
    cleanup.push(dir.remove);
    const url = 'http://127.0.0.1:9/schemas/Order.json';
    await writeFiles(dir.path, {
      'shop/order.yaml': [
        'asyncapi: 3.0.0',
        'info: { title: order, version: 1.0.0 }',
        'channels:',
        '  placed:',
        '    address: shop.order.placed',
        '    messages:',
        `      Placed: { payload: { $ref: '${url}' } }`,
        'operations:',
        "  sendPlaced: { action: send, channel: { $ref: '#/channels/placed' } }",
        '',
      ].join('\n'),
    });
    const result = await eventplane(['validate', '--spec', '.', '--no-cache'], dir.path);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.includes(': error:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^shop/order\\.yaml:7:\\d+: error: \\$ref "${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}": fetching ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} failed \\(.+\\)`));
    expect(result.stderr).not.toContain('http:/1');
  });
});

