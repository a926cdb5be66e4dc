/**
 * The short demo `npm start` runs once everything is up: one or more flows per system, each
 * driven and observed over the services' HTTP APIs, as a user would. A system whose services
 * are not all running (`npm start -- --system shop`) is left out.
 */
import { randomBytes } from 'node:crypto';
import pc from 'picocolors';
import { clinicDemo } from './demo/clinic.js';
import type { SystemDemo } from './demo/flow.js';
import { httpJson, type Urls } from './demo/http.js';
import { orbitaDemo } from './demo/orbita.js';
import { saasDemo } from './demo/saas.js';
import { saasJobsDemo } from './demo/saas-jobs.js';
import { salesDemo } from './demo/sales.js';
import { shopDemo } from './demo/shop.js';

export { httpJson, type JsonReply, type Urls } from './demo/http.js';

const SYSTEMS: readonly SystemDemo[] = [clinicDemo, shopDemo, saasDemo, saasJobsDemo, salesDemo, orbitaDemo];

/** One demo flow and the trace it ran in (its requests carried a traceparent of this trace). */
export interface DemoFlow {
  /** File-name friendly: `shop-checkout`. */
  readonly name: string;
  readonly outcome: string;
  readonly ok: boolean;
  readonly traceId: string;
}

export async function runDemo(urls: Urls, say: (line: string) => void, options: { onFlow?: (flow: DemoFlow) => void } = {}): Promise<void> {
  /**
   * The W3C traceparent the current flow's requests start from: each flow is one trace, whose id
   * the demo knows up front. Status polls do not carry it (they would add a span per poll).
   */
  let traced: Record<string, string> = {};
  const send = <T = any>(method: string, url: string, body?: unknown) => httpJson<T>(method, url, body, traced);
  const step = async (label: string, name: string, work: () => Promise<string>) => {
    const started = performance.now();
    const traceId = randomBytes(16).toString('hex');
    traced = { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
    try {
      const outcome = await work();
      say(`  ${pc.green('✓')} ${pc.bold(label.padEnd(8))} ${outcome} ${pc.dim(`(${((performance.now() - started) / 1000).toFixed(1)} s)`)}`);
      options.onFlow?.({ name, outcome, ok: true, traceId });
    } catch (error) {
      say(`  ${pc.red('✗')} ${pc.bold(label.padEnd(8))} ${(error as Error).message}`);
      options.onFlow?.({ name, outcome: (error as Error).message, ok: false, traceId });
    } finally {
      traced = {};
    }
  };
  for (const demo of SYSTEMS) await demo({ urls, step, send });
}
