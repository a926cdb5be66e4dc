/**
 * A local SMTP server that accepts every message and keeps it for a person (or a test) to read:
 * `npm start` runs one for saas/email and writes what it receives to .eventplane/mail/ — each
 * mail as `<time>-<n>.eml` (the raw message, openable in any mail client) and `<time>-<n>.json`
 * (sender, recipients, subject, text and headers, parsed with mailparser). It never relays
 * anything. Built on smtp-server and mailparser (the nodemailer authors'); 127.0.0.1 only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** `<time>-<n>`: the files' name. */
  readonly id: string;
  readonly receivedAt: string;
  /** The SMTP envelope (MAIL FROM, RCPT TO). */
  readonly envelope: { readonly from: string | undefined; readonly to: readonly string[] };
  readonly messageId: string | undefined;
  readonly from: string | undefined;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Header name (lower case) → value as text. */
  readonly headers: Readonly<Record<string, string>>;
  /** Where the raw message was written (with `dir`). */
  readonly file?: string;
}

export interface SmtpSinkOptions {
  /** 0 (default): any free port. */
  readonly port?: number;
  /** Write each mail here (.eml and .json); in memory only when absent. */
  readonly dir?: string;
  /** Largest message accepted (default 10 MiB); a larger one is refused with 552. */
  readonly maxBytes?: number;
}

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  readonly dir: string | undefined;
  /** Every mail accepted so far, in order. */
  readonly received: readonly ReceivedMail[];
  close(): Promise<void>;
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? '')).filter((a) => a !== '');

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  if (options.dir) mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  let counter = 0;
  const server = new SMTPServer({
    banner: 'eventplane local SMTP sink (nothing is relayed)',
    // Plain text on loopback: no certificate to trust, and any login is accepted.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: maxBytes,
    logger: false,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error(`message exceeds the sink's ${maxBytes} bytes`), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw, { skipHtmlToText: true, skipImageLinks: true, skipTextLinks: true })
          .then((parsed) => {
            const receivedAt = new Date();
            const id = `${receivedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${String(++counter).padStart(4, '0')}`;
            const headers: Record<string, string> = {};
            for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
            const mail: ReceivedMail = {
              id,
              receivedAt: receivedAt.toISOString(),
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined, to: session.envelope.rcptTo.map((r) => r.address) },
              messageId: parsed.messageId,
              from: parsed.from?.text,
              to: addresses(parsed.to),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              headers,
              ...(options.dir ? { file: join(options.dir, `${id}.eml`) } : {}),
            };
            if (options.dir) {
              // Personal data: readable by this user only.
              writeFileSync(join(options.dir, `${id}.eml`), raw, { mode: 0o600 });
              writeFileSync(join(options.dir, `${id}.json`), `${JSON.stringify(mail, null, 2)}\n`, { mode: 0o600 });
            }
            received.push(mail);
            callback(null, `accepted as ${id}`);
          })
          .catch((error: unknown) => callback(error as Error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client's broken connection is its problem, not the sink's: keep serving.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    dir: options.dir,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
