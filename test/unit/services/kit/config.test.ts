import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig, type EnvSchema } from '../../../../src/service-kit/config.js';
import { amqpUrls } from '../../../../src/service-kit/transport.js';

const extra = {
  type: 'object',
  properties: { PRODUCT_URL: { type: 'string', pattern: '^https?://', description: 'base URL of the product service' } },
  required: ['PRODUCT_URL'],
} as const satisfies EnvSchema;

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig('shop/cart', extra, { PORT: '4203', PRODUCT_URL: 'http://127.0.0.1:4201' });
    expect(config).toMatchObject({ HOST: '127.0.0.1', PORT: 4203, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: 25000, PRODUCT_URL: 'http://127.0.0.1:4201' });
  });

  it('reports every problem at once, by variable, with the hint for missing ones', () => {
    let error: unknown;
    try {
      loadConfig('shop/cart', extra, { PORT: 'eighty', LOG_LEVEL: 'loud', AMQP_URL: 'http://nope', DATABASE_URL: 'mysql://root:hunter2@db' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['AMQP_URL', 'DATABASE_URL', 'LOG_LEVEL', 'PORT', 'PRODUCT_URL']);
    expect(problems.find((p) => p.variable === 'PRODUCT_URL')?.message).toBe('is required: base URL of the product service');
    expect(problems.find((p) => p.variable === 'LOG_LEVEL')?.message).toContain('must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"');
    expect((error as Error).message).toMatch(/^shop\/cart: invalid configuration \(environment variables\):\n {2}/);
  });

  it('never repeats a secret in an error', () => {
    expect(() => loadConfig('x/y', { type: 'object', properties: {} }, { DATABASE_URL: 'mysql://root:hunter2@db' })).toThrow(ConfigError);
    try {
      loadConfig('x/y', { type: 'object', properties: {} }, { DATABASE_URL: 'mysql://root:hunter2@db' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig('x/y', { type: 'object', properties: {} }, { PORT: '' }).PORT).toBe(0);
  });

  it('redacts secrets and URL passwords for the start-up log', () => {
    const redacted = redactConfig({ AMQP_URL: 'amqp://u:pw@h:5672/shop,amqp://u:pw@h2:5672/shop', AMQP_PASSWORD: 'pw', PORT: 1 });
    expect(redacted).toEqual({ AMQP_URL: 'amqp://u:***@h:5672/shop,amqp://u:***@h2:5672/shop', AMQP_PASSWORD: '***', PORT: 1 });
  });
});

describe('amqpUrls', () => {
  it("puts the service's own credentials into every node URL, escaped", () => {
    expect(amqpUrls({ url: 'amqp://127.0.0.1:5672/shop, amqp://127.0.0.1:5673/shop', username: 'shop-cart', password: 'p@ss/word' })).toEqual([
      'amqp://shop-cart:p%40ss%2Fword@127.0.0.1:5672/shop',
      'amqp://shop-cart:p%40ss%2Fword@127.0.0.1:5673/shop',
    ]);
  });
});
