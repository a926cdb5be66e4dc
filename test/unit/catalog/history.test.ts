import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageModel } from '../../../src/compiler/model.js';
import { messageHistories } from '../../../src/catalog/message-history.js';
import { readSpecRevisions } from '../../../src/catalog/spec-history.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function spec(version: string, properties: string, summary = 'An order was placed.'): string {
  return `asyncapi: 3.0.0
info: { title: order, version: 1.0.0, x-owner: shop-orders }
components:
  messages:
    OrderCreated:
      name: OrderCreated
      summary: ${summary}
      x-version: ${version}
      payload: { $ref: '#/components/schemas/OrderCreatedPayload' }
    OrderShipped:
      name: OrderShipped
      x-version: 1.0.0
      payload: { type: object, properties: { trackingNumber: { type: string } } }
  schemas:
    OrderCreatedPayload:
      type: object
      required: [orderId]
      properties:
${properties}
`;
}

function message(name: string, file: string): MessageModel {
  return {
    id: `shop/${name}`,
    system: 'shop',
    name,
    version: '1.0.0',
    type: `shop.${name}`,
    contentType: 'application/json',
    channel: 'shop/order#x',
    owner: 'shop/order',
    payload: {},
    examples: [],
    tags: [],
    location: { file, line: 1, column: 1 },
  };
}

function repo(): { dir: string; git: (...args: string[]) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-history-'));
  dirs.push(dir);
  const git = (...args: string[]) => {
    execFileSync('git', args, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
    });
  };
  git('init', '-q', '-b', 'main');
  return { dir, git };
}

describe('version history from git', () => {
  it('follows a spec through edits and a rename, with x-versions and a field changelog', async () => {
    const { dir, git } = repo();
    mkdirSync(join(dir, 'asyncapi/shop'), { recursive: true });
    const old = join(dir, 'asyncapi/shop/orders.yaml');
    writeFileSync(old, spec('1.0.0', '        orderId: { type: integer }'));
    git('add', '.');
    git('commit', '-q', '-m', 'Add order contract');
    writeFileSync(old, spec('1.1.0', '        orderId: { type: integer }\n        note: { type: string }'));
    git('commit', '-qam', 'Order: optional note');
    writeFileSync(join(dir, 'README.md'), 'unrelated\n');
    git('add', '.');
    git('commit', '-qm', 'Unrelated change');
    const current = join(dir, 'asyncapi/shop/order.yaml');
    renameSync(old, current);
    git('add', '-A');
    git('commit', '-qm', 'Rename the order contract');
    // Only OrderShipped changes here: OrderCreated's history must not list it.
    writeFileSync(current, spec('1.1.0', '        orderId: { type: integer }\n        note: { type: string }').replace('trackingNumber', 'trackingCode'));
    git('commit', '-qam', 'Shipped: rename tracking field');
    // Uncommitted: a breaking change in the working tree.
    writeFileSync(current, spec('2.0.0', '        orderId: { type: string }\n        note: { type: string }').replace('trackingNumber', 'trackingCode'));

    const revisions = await readSpecRevisions(join(dir, 'asyncapi'), [current]);
    expect(revisions.unavailable).toBeUndefined();
    expect(revisions.files.get(current)!.map((r) => r.commit.subject)).toEqual([
      'Shipped: rename tracking field',
      'Rename the order contract',
      'Order: optional note',
      'Add order contract',
    ]);

    const histories = messageHistories([message('OrderCreated', current), message('OrderShipped', current)], revisions);
    const created = histories.get('shop/OrderCreated')!;
    expect(created.entries.map((e) => [e.kind, e.version, e.commit?.subject])).toEqual([
      ['uncommitted', '2.0.0', undefined],
      ['changed', '1.1.0', 'Order: optional note'],
      ['added', '1.0.0', 'Add order contract'],
    ]);
    expect(created.entries[0]!.changes).toEqual(['version 1.1.0 → 2.0.0', 'orderId: type integer → string']);
    expect(created.entries[1]!.changes).toEqual(['version 1.0.0 → 1.1.0', 'added note (string)']);
    expect(created.entries[2]!.commit).toMatchObject({ author: 'Ada', shortHash: expect.stringMatching(/^[0-9a-f]{7,}$/) });

    const shipped = histories.get('shop/OrderShipped')!;
    expect(shipped.entries.map((e) => [e.kind, e.commit?.subject])).toEqual([
      ['changed', 'Shipped: rename tracking field'],
      ['added', 'Add order contract'],
    ]);
    expect(shipped.entries[0]!.changes).toEqual(['added trackingCode (string)', 'removed trackingNumber (string)']);
  });

  it('says why there is no history outside a repository, and for a file never committed', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'catalog-nogit-'));
    dirs.push(plain);
    const file = join(plain, 'order.yaml');
    writeFileSync(file, spec('1.0.0', '        orderId: { type: integer }'));
    const none = await readSpecRevisions(plain, [file]);
    expect(none.unavailable).toMatch(/not in a git repository/);
    expect(messageHistories([message('OrderCreated', file)], none).get('shop/OrderCreated')).toEqual({ entries: [], note: none.unavailable });

    const { dir } = repo();
    const fresh = join(dir, 'order.yaml');
    writeFileSync(fresh, spec('1.0.0', '        orderId: { type: integer }'));
    const untracked = await readSpecRevisions(dir, [fresh]);
    const h = messageHistories([message('OrderCreated', fresh)], untracked).get('shop/OrderCreated')!;
    expect(h.entries.map((e) => [e.kind, e.version])).toEqual([['uncommitted', '1.0.0']]);
  });
});
