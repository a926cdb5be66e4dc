/**
 * A small client for the RabbitMQ management HTTP API. Everything that talks to a broker as
 * an administrator (local-cluster, `check --broker`, `dlq`, tests) goes through it, so
 * credentials are handled, and errors are worded, in one place.
 */
export interface ManagementCredentials {
  /** e.g. http://127.0.0.1:15672 */
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

export class ManagementApiError extends Error {
  override readonly name = 'ManagementApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`management API ${method} ${path} answered ${status}: ${body.slice(0, 300)}`);
  }
}

export interface BrokerConnection {
  readonly name: string;
  readonly user: string;
  readonly vhost: string;
  readonly node: string;
  readonly client_properties?: Record<string, unknown>;
}

export interface BrokerNode {
  readonly name: string;
  readonly running: boolean;
  readonly type: string;
}

const enc = encodeURIComponent;

export class ManagementClient {
  private readonly authorization: string;

  constructor(readonly credentials: ManagementCredentials) {
    this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.credentials.url.replace(/\/$/, '')}/api${path}`, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new ManagementApiError(method, path, response.status, text);
    return (text.length > 0 ? JSON.parse(text) : undefined) as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** GET that answers undefined on 404 instead of throwing. */
  async find<T = unknown>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (error) {
      if (error instanceof ManagementApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  overview(): Promise<Record<string, unknown>> {
    return this.get('/overview');
  }

  nodes(): Promise<BrokerNode[]> {
    return this.get('/nodes');
  }

  connections(): Promise<BrokerConnection[]> {
    return this.get('/connections');
  }

  async closeConnection(name: string, reason = 'closed by eventplane'): Promise<void> {
    try {
      await this.request('DELETE', `/connections/${enc(name)}`, undefined, { 'x-reason': reason });
    } catch (error) {
      // A connection that went away on its own is what the caller wanted.
      if (!(error instanceof ManagementApiError && error.status === 404)) throw error;
    }
  }

  /** Full broker definitions (users, vhosts, permissions, topology, policies). */
  definitions(): Promise<Record<string, unknown>> {
    return this.get('/definitions');
  }

  /** Imports definitions; with `vhost`, the document is a single-vhost one (no vhost keys). */
  importDefinitions(definitions: unknown, vhost?: string): Promise<void> {
    return this.request('POST', vhost ? `/definitions/${enc(vhost)}` : '/definitions', definitions);
  }

  queue(vhost: string, name: string): Promise<Record<string, unknown> | undefined> {
    return this.find(`/queues/${enc(vhost)}/${enc(name)}`);
  }

  putUser(name: string, password: string, tags = ''): Promise<void> {
    return this.request('PUT', `/users/${enc(name)}`, { password, tags });
  }

  putVhost(name: string): Promise<void> {
    return this.request('PUT', `/vhosts/${enc(name)}`, {});
  }

  putPermissions(vhost: string, user: string, permission: { configure: string; write: string; read: string }): Promise<void> {
    return this.request('PUT', `/permissions/${enc(vhost)}/${enc(user)}`, permission);
  }
}
