/**
 * JSON over HTTP for the calls the seeds keep synchronous (cart → product for the current
 * price, checkout → inventory to reserve stock): a deadline per call, a bounded retry for
 * idempotent calls when the other service is unreachable or answers 5xx, and errors that say
 * which service failed and how.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly upstream: string,
    /** The HTTP status, or undefined when no answer came (refused, reset, timed out). */
    readonly status: number | undefined,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

export interface JsonClientOptions {
  /** Name for errors and logs, e.g. `inventory`. */
  readonly name: string;
  readonly baseUrl: string;
  /** Per attempt (default 5 s). */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent calls (default 2). */
  readonly retries?: number;
}

export interface JsonResponse<T> {
  readonly status: number;
  readonly body: T;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Safe to repeat (GET, PUT, or a POST with an idempotency key): retried on 5xx and network errors. */
  readonly idempotent?: boolean;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export class JsonClient {
  private readonly baseUrl: string;

  constructor(private readonly options: JsonClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<JsonResponse<unknown>> {
    return this.request('GET', path, { idempotent: true, ...options });
  }

  post(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<JsonResponse<unknown>> {
    return this.request('POST', path, { ...options, body });
  }

  /** Any status is returned; only an unreachable service (after the retries) throws. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<JsonResponse<unknown>> {
    const attempts = 1 + (options.idempotent ? (this.options.retries ?? 2) : 0);
    let last: UpstreamError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(100 * 2 ** (attempt - 2), undefined, options.signal ? { signal: options.signal } : {});
      try {
        const response = await this.once(method, path, options);
        if (response.status >= 500 && attempt < attempts) {
          last = new UpstreamError(this.options.name, response.status, response.body, `${this.options.name} answered ${response.status} to ${method} ${path}`);
          continue;
        }
        return response;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        last = new UpstreamError(this.options.name, undefined, undefined, `${this.options.name} did not answer ${method} ${path}: ${(error as Error).message}`);
      }
    }
    throw last!;
  }

  private async once(method: string, path: string, options: RequestOptions): Promise<JsonResponse<unknown>> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 5_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      signal,
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    if (text !== '' && /json/.test(response.headers.get('content-type') ?? '')) body = JSON.parse(text);
    return { status: response.status, body };
  }
}
