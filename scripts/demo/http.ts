/** The demo's HTTP client: what a user of the services' APIs would send, and bounded polling. */

export type Urls = Readonly<Record<string, string>>;

export interface JsonReply<T = any> {
  readonly status: number;
  readonly body: T;
}

/** One JSON request as a user of the APIs would send it (the end-to-end tests use it too). */
export async function httpJson<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonReply<T>> {
  const response = await fetch(url, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function expectOk(what: string, reply: Promise<JsonReply>, ok: readonly number[] = [200, 201, 202]): Promise<any> {
  const { status, body } = await reply;
  if (!ok.includes(status)) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Polls until `done` accepts the value (bounded; the flows take a second or two). */
export async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not observed within ${timeoutMs / 1000} s (last: ${JSON.stringify(value).slice(0, 300)})`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export const money = (m: { amount: string; currency: string }) => `${m.currency} ${m.amount}`;
export const short = (id: string) => id.slice(0, 8);
