import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { TopologyDocument } from '../../topology/types.js';
import { findDeadLetter, listDeadLetters, moveDeadLetters, purgeDeadLetters, replayDeadLetters, type DeadLetter } from '../../runtime/dlq.js';
import { readClusterRecord } from '../../local-cluster/state-file.js';
import { redactUrl } from '../../runtime/logger.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { UserError } from '../../shared/user-error.js';

const usage = `Usage: eventplane dlq list   QUEUE [--limit N] [--json]
       eventplane dlq show   QUEUE --id ID [--json]
       eventplane dlq replay QUEUE [--id ID] [--limit N] [--dry-run]
       eventplane dlq move   QUEUE --to QUEUE [--id ID] [--limit N] [--yes]
       eventplane dlq purge  QUEUE --older-than DURATION [--yes]

Dead-letter queues (QUEUE is the dead-letter queue, e.g. billing.orders.dlq):
  list     the dead letters, oldest first: dead-letter id, message id, type, reason, attempts, error.
           Nothing is consumed.
  show     one dead letter in full: envelope, who published it and who dead-lettered it,
           x-ep-* failure headers, trimmed stack, payload.
  replay   republishes each dead letter into the queue that failed it (and no other) under
           your user, with a fresh retry ladder, waits for the broker's confirm, then removes it.
           Interrupted, nothing is lost; run again, the consumer's inbox absorbs what already
           arrived. --dry-run shows what would go where. Without --id: every dead letter.
  move     moves dead letters unchanged to another queue (confirmed, then removed).
  purge    deletes dead letters dead-lettered longer ago than DURATION (30s, 15m, 12h, 7d).
  move and purge ask for confirmation; --yes skips it (required when stdin is not a terminal).

Options:
  --url URL     amqp://user:password@host:port/vhost of an operator with read on the queue and
                write on the default exchange (default: $AMQP_URL, else the local cluster of
                \`npm start\` / \`eventplane local-cluster up\` with the system's vhost; prefer
                the variable to --url, since arguments are visible to other users)
  --id ID       a dead-letter id (x-ep-dead-letter-id) or a message id
  --limit N     at most N dead letters (list: default 50)
  --json        machine-readable output

Exit codes: 0 done, 1 a replay or move failed (the dead letter stays), 2 usage or connection problem.`;

const options = {
  url: { type: 'string' },
  id: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  to: { type: 'string' },
  'older-than': { type: 'string' },
  yes: { type: 'boolean', default: false },
} as const;

const out = (line = '') => process.stdout.write(`${line}\n`);

export const command: Command = {
  summary: 'List, show, replay, move and purge dead letters (never consuming what you only look at)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, options, usage);
    const [action, queue, ...rest] = positionals;
    if (!action || !['list', 'show', 'replay', 'move', 'purge'].includes(action)) throw new UserError(`expected list, show, replay, move or purge\n\n${usage}`, 2);
    if (!queue) throw new UserError(`missing QUEUE (the dead-letter queue, e.g. billing.orders.dlq)\n\n${usage}`, 2);
    if (rest.length > 0) throw new UserError(`unexpected argument "${rest[0]}"\n\n${usage}`, 2);
    const url = values.url ?? process.env['AMQP_URL'] ?? localClusterUrl(queue);
    if (!url) throw new UserError('no broker: no local cluster is running here (npm start); pass --url amqp://user:password@host:port/vhost or set AMQP_URL', 2);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UserError(`--limit must be a positive integer (got "${values.limit}")`, 2);

    try {
      if (action === 'list') return await list(url, queue, limit ?? 50, values.json ?? false);
      if (action === 'show') {
        if (!values.id) throw new UserError('show needs --id ID (see `eventplane dlq list`)', 2);
        return await show(url, queue, values.id, values.json ?? false);
      }
      if (action === 'move') {
        if (!values.to) throw new UserError('move needs --to QUEUE', 2);
        const to = values.to;
        const what = values.id === undefined ? `${limit === undefined ? 'every' : `up to ${limit}`} dead letter(s)` : `dead letter ${values.id}`;
        if (!(await confirmed(`Move ${what} from ${queue} to ${to}?`, values.yes ?? false))) return 2;
        const result = await moveDeadLetters(url, queue, to, { ...(values.id === undefined ? {} : { id: values.id }), ...(limit === undefined ? {} : { limit }) });
        for (const { letter, problem } of result.failed) out(`not moved: ${letter.id}: ${problem} (it stays in ${queue})`);
        out(`${result.moved.length} moved to ${to}, ${result.failed.length} failed, ${result.total - result.moved.length} left in ${queue}`);
        return result.failed.length > 0 ? 1 : 0;
      }
      if (action === 'purge') {
        const olderThan = values['older-than'];
        if (!olderThan) throw new UserError('purge needs --older-than DURATION (e.g. 7d)', 2);
        const ms = durationMs(olderThan);
        const before = new Date(Date.now() - ms);
        if (!(await confirmed(`Delete the dead letters in ${queue} dead-lettered before ${before.toISOString()}? They cannot be recovered.`, values.yes ?? false))) return 2;
        const result = await purgeDeadLetters(url, queue, before);
        out(`${result.purged.length} purged, ${result.total - result.purged.length} left in ${queue}`);
        return 0;
      }
      return await replay(url, queue, values.id, limit, values['dry-run'] ?? false);
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
  const rows = page.letters.map((l) => [String(l.position), l.id, l.messageId ?? '—', l.type ?? '—', l.reason ?? '—', l.attempts === undefined ? '—' : String(l.attempts), l.lastFailureAt ?? '—', oneLine(l.error ?? '')]);
  const header = ['#', 'dead-letter id', 'message id', 'type', 'reason', 'attempts', 'last failure', 'error'];
  const widths = header.map((h, i) => Math.min(i === 7 ? 60 : 50, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  out(line(header));
  for (const row of rows) out(line(row));
  out(`\n${page.letters.length} of ${page.total} dead letter(s) in ${queue}${page.letters.length < page.total ? ` (--limit ${page.total} for all)` : ''}`);
  return 0;
}

async function show(url: string, queue: string, id: string, json: boolean): Promise<number> {
  const letter = await findDeadLetter(url, queue, id);
  if (!letter) throw new UserError(`no dead letter with id ${id} in ${queue}`, 2);
  if (json) {
    out(JSON.stringify({ ...summary(letter), stack: letter.stack, headers: letter.headers, properties: letter.properties, payload: payloadOf(letter.content) }, null, 2));
    return 0;
  }
  const p = letter.properties;
  const fields: Array<[string, unknown]> = [
    ['dead-letter id', letter.id],
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
    ['publisher user', letter.originalUserId ?? '(unknown: no x-ep-original-user-id)'],
    ['dead-lettered by', letter.deadLetteredBy],
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

async function replay(url: string, queue: string, id: string | undefined, limit: number | undefined, dryRun: boolean): Promise<number> {
  const interactive = process.stderr.isTTY === true && !dryRun;
  const result = await replayDeadLetters(url, queue, {
    ...(id === undefined ? {} : { id }),
    ...(limit === undefined ? {} : { limit }),
    dryRun,
    onProgress: (event) => {
      if (event.kind === 'failed') {
        if (interactive) process.stderr.write('\r\u001b[2K');
        out(`not replayed: ${event.letter.id}: ${event.problem} (it stays in ${queue})`);
        return;
      }
      const { letter, queue: target, messageId } = event.target;
      const line = `${event.kind === 'planned' ? 'would replay' : 'replayed'} ${event.done}/${event.of}: ${letter.id} (${letter.type ?? '?'}, message id ${messageId}) → queue ${target}`;
      if (interactive) process.stderr.write(`\r\u001b[2K${line}`);
      else out(line);
    },
  });
  if (interactive) process.stderr.write('\r\u001b[2K');
  if (id !== undefined && result.replayed.length === 0 && result.failed.length === 0) throw new UserError(`no dead letter with id ${id} in ${queue}`, 2);
  if (dryRun) out(`dry run: ${result.replayed.length} would be replayed, ${result.failed.length} could not be; nothing changed in ${queue}`);
  else out(`${result.replayed.length} replayed, ${result.failed.length} failed, ${result.total - result.replayed.length} left in ${queue}`);
  return result.failed.length > 0 ? 1 : 0;
}

/**
 * The local cluster's administrator URL from the state file `npm start` writes, with the vhost of
 * the system whose service owns `queue` (every service user's vhost is in the record).
 */
function localClusterUrl(queue: string): string | undefined {
  const record = readClusterRecord();
  const node = record?.nodes[0];
  if (!record || !node) return undefined;
  const vhosts = [...new Set(Object.values(record.services).map((s) => s.vhost))];
  const vhost = vhostOfQueue(record.topologyFile ?? 'generated/topology.json', queue) ?? (vhosts.length === 1 ? vhosts[0]! : undefined);
  if (vhost === undefined) throw new UserError(`cannot tell the vhost of ${queue} on the local cluster (one of ${vhosts.join(', ')}): pass --url`, 2);
  const { username, password } = record.admin;
  return `amqp://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${node.ports.amqp}/${encodeURIComponent(vhost)}`;
}

/** The vhost of `queue` in the topology the local cluster applied (queue names are unique per vhost only). */
function vhostOfQueue(topologyFile: string, queue: string): string | undefined {
  if (!existsSync(topologyFile)) return undefined;
  const topology = JSON.parse(readFileSync(topologyFile, 'utf8')) as TopologyDocument;
  const vhosts = [...new Set(topology.queues.filter((q) => q.name === queue).map((q) => q.vhost))];
  return vhosts.length === 1 ? vhosts[0] : undefined;
}

/** Asks on a terminal; without one, only --yes goes ahead. */
async function confirmed(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (process.stdin.isTTY !== true) throw new UserError(`${question}\nstdin is not a terminal: pass --yes to confirm`, 2);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    if (/^y(es)?$/i.test(answer.trim())) return true;
    out('nothing changed');
    return false;
  } finally {
    prompt.close();
  }
}

export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UserError(`--older-than must be a duration such as 30s, 15m, 12h or 7d (got "${text}")`, 2);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function summary(letter: DeadLetter) {
  return {
    position: letter.position,
    id: letter.id,
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
    originalUserId: letter.originalUserId,
    deadLetteredBy: letter.deadLetteredBy,
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
