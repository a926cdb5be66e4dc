import { findDeadLetter, listDeadLetters, replayDeadLetters, type DeadLetter } from '../../runtime/dlq.js';
import { redactUrl } from '../../runtime/logger.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../shared/user-error.js';

const usage = `Usage: eventplane dlq list   QUEUE [--limit N] [--json]
       eventplane dlq show   QUEUE --id ID [--json]
       eventplane dlq replay QUEUE [--id ID] [--limit N]

Dead-letter queues (QUEUE is the dead-letter queue, e.g. billing.orders.dlq):
  list     the dead letters, oldest first: id, type, reason, attempts, error. Nothing is consumed.
  show     one dead letter in full: envelope, x-ep-* failure headers, trimmed stack, payload.
  replay   republishes to the original exchange and routing key with an x-ep-replayed header
           and a fresh retry ladder, waits for the broker's confirm, then removes the dead
           letter. Interrupted, nothing is lost. Without --id: every dead letter (or --limit N).

Options:
  --url URL     amqp://user:password@host:port/vhost of an operator with read on the queue and
                write on the original exchanges (default: $AMQP_URL; prefer the variable, since
                arguments are visible to other users of the machine)
  --id ID       a message id
  --limit N     at most N dead letters (list: default 50)
  --json        machine-readable output

Exit codes: 0 done, 1 a replay failed (the dead letter stays), 2 usage or connection problem.`;

const options = {
  url: { type: 'string' },
  id: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const out = (line = '') => process.stdout.write(`${line}\n`);

export const command: Command = {
  summary: 'List, show and replay dead letters (never consuming what you only look at)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, options, usage);
    const [action, queue, ...rest] = positionals;
    if (!action || !['list', 'show', 'replay'].includes(action)) throw new UserError(`expected list, show or replay\n\n${usage}`, 2);
    if (!queue) throw new UserError(`missing QUEUE (the dead-letter queue, e.g. billing.orders.dlq)\n\n${usage}`, 2);
    if (rest.length > 0) throw new UserError(`unexpected argument "${rest[0]}"\n\n${usage}`, 2);
    const url = values.url ?? process.env['AMQP_URL'];
    if (!url) throw new UserError('no broker: pass --url amqp://user:password@host:port/vhost or set AMQP_URL', 2);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UserError(`--limit must be a positive integer (got "${values.limit}")`, 2);

    try {
      if (action === 'list') return await list(url, queue, limit ?? 50, values.json ?? false);
      if (action === 'show') {
        if (!values.id) throw new UserError('show needs --id ID (see `eventplane dlq list`)', 2);
        return await show(url, queue, values.id, values.json ?? false);
      }
      return await replay(url, queue, values.id, limit);
    } catch (error) {
      throw brokerProblem(error, url, queue);
    }
  },
};

async function list(url: string, queue: string, limit: number, json: boolean): Promise<number> {
  const page = await listDeadLetters(url, queue, limit);
  if (json) {
    out(JSON.stringify({ queue, total: page.total, letters: page.letters.map(summary) }, null, 2));
    return 0;
  }
  if (page.total === 0) {
    out(`${queue} is empty`);
    return 0;
  }
  const rows = page.letters.map((l) => [String(l.position), l.messageId ?? '—', l.type ?? '—', l.reason ?? '—', l.attempts === undefined ? '—' : String(l.attempts), l.lastFailureAt ?? '—', oneLine(l.error ?? '')]);
  const header = ['#', 'message id', 'type', 'reason', 'attempts', 'last failure', 'error'];
  const widths = header.map((h, i) => Math.min(i === 6 ? 60 : 50, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  out(line(header));
  for (const row of rows) out(line(row));
  out(`\n${page.letters.length} of ${page.total} dead letter(s) in ${queue}${page.letters.length < page.total ? ` (--limit ${page.total} for all)` : ''}`);
  return 0;
}

async function show(url: string, queue: string, id: string, json: boolean): Promise<number> {
  const letter = await findDeadLetter(url, queue, id);
  if (!letter) throw new UserError(`no dead letter with message id ${id} in ${queue}`, 2);
  if (json) {
    out(JSON.stringify({ ...summary(letter), stack: letter.stack, headers: letter.headers, properties: letter.properties, payload: payloadOf(letter.content) }, null, 2));
    return 0;
  }
  const p = letter.properties;
  const fields: Array<[string, unknown]> = [
    ['message id', letter.messageId],
    ['type', letter.type],
    ['reason', letter.reason],
    ['error', letter.error],
    ['attempts', letter.attempts],
    ['failed in', letter.queue],
    ['first failure', letter.firstFailureAt],
    ['last failure', letter.lastFailureAt],
    ['origin', letter.origin ? `${letter.origin.exchange} / ${letter.origin.routingKey}` : undefined],
    ['replays', letter.replays || undefined],
    ['correlation id', letter.correlationId],
    ['published by', p.appId],
    ['publisher user', p.userId ?? letter.headers['x-ep-original-user-id']],
    ['content type', p.contentType],
  ];
  for (const [name, value] of fields) if (value !== undefined && value !== '') out(`${name.padEnd(15)} ${String(value)}`);
  if (letter.stack) out(`\nstack\n${letter.stack.replace(/^/gm, '  ')}`);
  out('\nheaders');
  for (const [name, value] of Object.entries(letter.headers)) {
    if (name === 'x-ep-stack') continue;
    out(`  ${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  const payload = payloadOf(letter.content);
  out(`\npayload (${letter.content.length} bytes)`);
  out(typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2));
  return 0;
}

async function replay(url: string, queue: string, id: string | undefined, limit: number | undefined): Promise<number> {
  const interactive = process.stderr.isTTY === true;
  const result = await replayDeadLetters(url, queue, {
    ...(id === undefined ? {} : { messageId: id }),
    ...(limit === undefined ? {} : { limit }),
    onProgress: (event) => {
      if (event.kind === 'replayed') {
        const line = `replayed ${event.done}/${event.of}: ${event.letter.messageId ?? '?'} → ${event.letter.origin!.exchange} / ${event.letter.origin!.routingKey}`;
        if (interactive) process.stderr.write(`\r\u001b[2K${line}`);
        else out(line);
      } else {
        if (interactive) process.stderr.write('\r\u001b[2K');
        out(`not replayed: ${event.letter.messageId ?? '?'}: ${event.problem} (it stays in ${queue})`);
      }
    },
  });
  if (interactive) process.stderr.write('\r\u001b[2K');
  if (id !== undefined && result.replayed.length === 0 && result.failed.length === 0) throw new UserError(`no dead letter with message id ${id} in ${queue}`, 2);
  out(`${result.replayed.length} replayed, ${result.failed.length} failed, ${result.total - result.replayed.length} left in ${queue}`);
  return result.failed.length > 0 ? 1 : 0;
}

function summary(letter: DeadLetter) {
  return {
    position: letter.position,
    messageId: letter.messageId,
    type: letter.type,
    reason: letter.reason,
    error: letter.error,
    attempts: letter.attempts,
    queue: letter.queue,
    origin: letter.origin,
    firstFailureAt: letter.firstFailureAt,
    lastFailureAt: letter.lastFailureAt,
    replays: letter.replays,
    correlationId: letter.correlationId,
  };
}

function payloadOf(content: Buffer): unknown {
  const text = content.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Printable ASCII plus tab, newline and carriage return: shown as text, anything else as hex.
    // eslint-disable-next-line no-control-regex
    return /^[\x09\x0a\x0d\x20-\x7e]*$/.test(text) ? text : `(binary) ${content.subarray(0, 256).toString('hex')}${content.length > 256 ? '…' : ''}`;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function brokerProblem(error: unknown, url: string, queue: string): unknown {
  if (error instanceof UserError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: number | string }).code;
  if (code === 404 || /NOT_FOUND - no queue/.test(message)) return new UserError(`queue ${queue} does not exist in ${redactUrl(url)}`, 2);
  if (code === 403 || /ACCESS.REFUSED/.test(message)) return new UserError(`the broker refused access: ${message}`, 2);
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH)$/.test(code)) {
    return new UserError(`cannot connect to ${redactUrl(url)}: ${message}`, 2);
  }
  if (/ACCESS_REFUSED|Handshake terminated|authentication/i.test(message)) return new UserError(`the broker refused the login for ${redactUrl(url)}`, 2);
  return error;
}
