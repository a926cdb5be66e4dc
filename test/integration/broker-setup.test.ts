import { describe, expect, it } from 'vitest';
import { testBroker } from '../support/broker.js';

describe('the test broker', () => {
  it('is a running node without the guest user', async () => {
    const broker = testBroker();
    const nodes = await broker.management.nodes();
    expect(nodes.filter((node) => node.running)).toHaveLength(1);
    const users = await broker.management.get<Array<{ name: string }>>('/users');
    expect(users.map((user) => user.name)).not.toContain('guest');
  });
});
