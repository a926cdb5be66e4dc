import { defineConfig } from 'vitest/config';

/**
 * One `npm test` runs every project. unit: no I/O beyond temp files. integration: a real
 * RabbitMQ node (and PostgreSQL where needed) started by the global setup on free ports.
 * e2e: services as real processes. browser: the catalog in headless Chromium.
 * infra: the Pulumi program under mocks plus a rendered cluster booted for real.
 */
const broker = './test/support/broker-global-setup.ts';
const postgres = './test/support/postgres-global-setup.ts';

export default defineConfig({
  test: {
    // vitest's default on 2 cores is one file at a time; most integration and chaos time is
    // spent waiting on brokers and processes, so two files overlap well. e2e stays serial: its
    // stacks of service processes are sized for the machine one at a time.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: [broker, postgres],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: [broker, postgres],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      { test: { name: 'chaos', include: ['test/chaos/**/*.test.ts'], testTimeout: 900_000, hookTimeout: 300_000 } },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
