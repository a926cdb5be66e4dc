/**
 * One HTTPS POST to a tenant's endpoint (node:https, so an endpoint may name the private
 * certificate authority its certificate chains to). The answer's body is read and dropped.
 */
import { request } from 'node:https';

export interface PostResult {
  /** The HTTP status, or undefined when no answer came (refused, reset, TLS failure, timeout). */
  readonly status: number | undefined;
  readonly error?: string;
  readonly durationMs: number;
}

export function postWebhook(url: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; ca?: string | null }): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'eventplane-webhooks/1', ...headers },
        timeout: options.timeoutMs,
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, durationMs: elapsed() }));
        res.on('error', (error) => resolve({ status: res.statusCode, error: error.message, durationMs: elapsed() }));
      },
    );
    // One deadline for the whole exchange, not only for idle sockets.
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: undefined, error: error.message, durationMs: elapsed() }));
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
