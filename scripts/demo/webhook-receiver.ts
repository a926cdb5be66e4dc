/**
 * A tenant's webhook endpoint for the demo and the tests: HTTPS on 127.0.0.1 with a throwaway
 * self-signed certificate (made with the openssl CLI; its PEM is registered as the endpoint's
 * private CA), recording what arrives and whether its signature verifies. `answer(status)` makes
 * it fail on purpose (503: down), `answer(200)` brings it back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../../services/saas/webhooks/domain.js';

export interface ReceivedWebhook {
  readonly id: string;
  readonly event: string | undefined;
  readonly tenant: string | undefined;
  readonly body: Record<string, unknown>;
  /** The status it was answered with. */
  readonly answered: number;
  /** True when the signature matched the secret given to `trust`. */
  readonly verified: boolean;
  /** What was signed and the signature headers, for checks of one's own. */
  readonly raw: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

export interface WebhookReceiver {
  /** https://127.0.0.1:PORT/hooks */
  readonly url: string;
  /** PEM of the certificate: register it as the endpoint's `tlsCa`. */
  readonly ca: string;
  readonly received: readonly ReceivedWebhook[];
  /** The secret signatures are checked with (the one shown when the endpoint was registered). */
  trust(secret: string): void;
  answer(status: number): void;
  close(): Promise<void>;
}

function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ep-webhook-receiver-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const { key, cert } = selfSigned();
  const received: ReceivedWebhook[] = [];
  let status = 200;
  let secret = '';
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      const verified = verify(secret, { timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) }, text, Math.floor(Date.now() / 1000));
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // recorded as empty: the assertion on the body shows it
      }
      received.push({ id: header(ID_HEADER) ?? '', event: header('webhook-event'), tenant: header('webhook-tenant'), body, answered: status, verified, raw: text, timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}/hooks`,
    ca: cert,
    received,
    trust: (value) => {
      secret = value;
    },
    answer: (value) => {
      status = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
