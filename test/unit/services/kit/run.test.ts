/**
 * A service process started with a bad environment: it names every problem and exits with
 * EX_CONFIG (78), without a stack trace, before touching a database or a broker.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serviceEntry } from '../../../../services/registry.js';

function run(main: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AMQP_|DATABASE_|PGLITE_|PORT$|PRODUCT_URL$)/.test(key)));
    const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...clean, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('runService', () => {
  it('exits 78 listing every configuration problem, secrets withheld', async () => {
    const { code, stderr } = await run(serviceEntry('shop/cart').main, { PORT: 'x', AMQP_PASSWORD: '', DATABASE_URL: 'mysql://u:hunter2@db/x', CART_TTL: 'soon' });
    expect(code).toBe(78);
    expect(stderr).toContain('shop/cart: invalid configuration (environment variables):');
    expect(stderr).toContain('PRODUCT_URL is required: base URL of the product service');
    expect(stderr).toContain("AMQP_URL is required: broker URL(s) with the service's vhost");
    expect(stderr).toContain('PORT must be integer (got "x")');
    expect(stderr).toContain('CART_TTL must match pattern');
    expect(stderr).toContain('DATABASE_URL must match pattern "^postgres(ql)?://"');
    expect(stderr).not.toContain('hunter2');
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
