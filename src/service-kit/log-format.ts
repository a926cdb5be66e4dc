/**
 * Turns a service's pino JSON line into one short human line for a terminal:
 * `22:03:29 INFO  ready url=http://127.0.0.1:4101`. Lines that are not JSON pass through.
 */
import pc from 'picocolors';

const LEVELS: Record<number, { name: string; paint: (s: string) => string }> = {
  10: { name: 'TRACE', paint: pc.gray },
  20: { name: 'DEBUG', paint: pc.gray },
  30: { name: 'INFO ', paint: pc.green },
  40: { name: 'WARN ', paint: pc.yellow },
  50: { name: 'ERROR', paint: pc.red },
  60: { name: 'FATAL', paint: pc.bgRed },
};

const HIDDEN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'reqId', 'config']);

function short(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value && typeof (value as { message: unknown }).message === 'string') {
    return JSON.stringify((value as { message: string }).message);
  }
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVELS[Number(record['level'])] ?? { name: String(record['level']).padEnd(5), paint: (s: string) => s };
  const time = typeof record['time'] === 'string' ? record['time'].slice(11, 19) : '';
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${pc.dim(`${key}=`)}${short(value)}`)
    .join(' ');
  return `${pc.dim(time)} ${level.paint(level.name)} ${String(record['msg'] ?? '')}${fields ? ` ${fields}` : ''}`;
}

const PALETTE = [pc.cyan, pc.magenta, pc.blue, pc.yellow, pc.green, pc.red, pc.white];

/** A fixed-width, coloured `[system/service]` prefix; the colour is picked by position. */
export function servicePrefix(id: string, index: number, width: number): string {
  const paint = PALETTE[index % PALETTE.length]!;
  return paint(`${id.padEnd(width)} │`);
}
