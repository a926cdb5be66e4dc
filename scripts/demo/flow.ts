import type { JsonReply, Urls } from './http.js';

/**
 * What one system's demo gets: the running services' URLs, `step` to run and report one flow
 * (each flow is one trace), and `send`, which carries the current flow's traceparent.
 */
export interface DemoContext {
  readonly urls: Urls;
  step(label: string, name: string, work: () => Promise<string>): Promise<void>;
  send<T = any>(method: string, url: string, body?: unknown): Promise<JsonReply<T>>;
}

/** A system's demo: runs its flows when all the services they need are running, else returns. */
export type SystemDemo = (context: DemoContext) => Promise<void>;

/** True when every one of `ids` is running (a `--system` subset may leave some out). */
export const running = (urls: Urls, ids: readonly string[]) => ids.every((id) => urls[id] !== undefined);
