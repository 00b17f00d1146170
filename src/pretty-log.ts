// Log lines for a person at a terminal: pino's JSON records rewritten as `time LEVEL [component] message key=value`.
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, { label: string; color: number }> = {
  10: { label: 'TRACE', color: 90 },
  20: { label: 'DEBUG', color: 34 },
  30: { label: 'INFO', color: 32 },
  40: { label: 'WARN', color: 33 },
  50: { label: 'ERROR', color: 31 },
  60: { label: 'FATAL', color: 35 },
};
const ERROR_LEVEL = 50;
// Shown in their own places (or the same on every line, like `service`), not as key=value.
const SHOWN_APART = new Set(['level', 'time', 'msg', 'service', 'component', 'err', 'pid', 'hostname']);

interface SerializedError {
  type?: string;
  message?: string;
  stack?: string;
  code?: string;
}

function pad(value: number, length = 2): string {
  return String(value).padStart(length, '0');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Math.round(value * 100) / 100);
  return JSON.stringify(value) ?? String(value);
}

/** One record (a JSON line from pino) as text; a line that is not a record is passed through. */
export function formatRecord(line: string, colors: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const paint = (code: number, text: string) => (colors ? `\u001b[${code}m${text}\u001b[0m` : text);
  const levelNumber = Number(record.level);
  const level = LEVELS[levelNumber] ?? { label: String(record.level), color: 0 };
  const time = new Date(Number(record.time));
  const clock = `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
  const [firstLine = '', ...moreLines] = String(record.msg ?? '').split('\n');

  const parts = [paint(2, clock), paint(level.color, level.label.padEnd(5))];
  if (record.component !== undefined) parts.push(paint(36, `[${String(record.component)}]`));
  parts.push(levelNumber >= ERROR_LEVEL ? paint(level.color, firstLine) : firstLine);
  const err = record.err as SerializedError | undefined;
  if (err && levelNumber < ERROR_LEVEL) parts.push(`${paint(2, 'err=')}${formatValue(err.message ?? err.type)}`);
  for (const [key, value] of Object.entries(record)) {
    if (!SHOWN_APART.has(key)) parts.push(`${paint(2, `${key}=`)}${formatValue(value)}`);
  }
  const lines = [parts.join(' '), ...moreLines.map((text) => `    ${text}`)];
  // A warning names its error; an error shows where it came from.
  if (err && levelNumber >= ERROR_LEVEL) {
    lines.push(...(err.stack ?? `${err.type ?? 'Error'}: ${err.message ?? ''}`).split('\n').map((text) => `    ${text}`));
  }
  return `${lines.join('\n')}\n`;
}

/** A pino destination that writes readable lines to `out` (a terminal), in colour when it has them and NO_COLOR is unset. */
export function prettyDestination(out: NodeJS.WriteStream = process.stdout): DestinationStream {
  const colors = !process.env.NO_COLOR && (out.hasColors?.() ?? false);
  return { write: (line: string) => void out.write(formatRecord(line, colors)) };
}
