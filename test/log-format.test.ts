// Logs in a terminal are readable lines; piped or collected, the same JSON as ever. A real process makes the logger
// from its configuration as main.ts does, its stdout a terminal (a pseudo-terminal from util-linux `script`) or a pipe.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

const ROOT = path.resolve(__dirname, '..');
const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;
if (!haveScript) console.warn('Skipping the terminal cases of the log format test: no util-linux `script` (apt-get install bsdutils)');
const itInTerminal = haveScript ? it : it.skip;

const program = `
const { loadConfig } = require(${JSON.stringify(path.join(ROOT, 'src', 'config.ts'))});
const { createLogger } = require(${JSON.stringify(path.join(ROOT, 'src', 'logger.ts'))});
const config = loadConfig();
const log = createLogger(config.logLevel, config.logFormat);
log.info({ port: 4000, dataDir: '/tmp/credit data', ms: 37.651421 }, 'embedded PostgreSQL started');
log.warn({ err: new Error('connection refused') }, 'agenda database connection lost');
log.error({ err: new Error('disk full'), job: 'imports:run' }, 'job failed');
`;
let programFile: string;

beforeAll(() => {
  programFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'credit-log-')), 'log.js');
  fs.writeFileSync(programFile, program);
});
afterAll(() => fs.rmSync(path.dirname(programFile), { recursive: true, force: true }));

function run(terminal: boolean, env: Record<string, string> = {}): string {
  const command = [process.execPath, '-r', path.join(ROOT, 'test', 'support', 'swc-register.js'), programFile];
  // A terminal that has colours, whatever the environment the tests run in (CI=true turns them off).
  const fullEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm-256color', NODE_ENV: 'development', ...env };
  const result = terminal
    ? spawnSync('script', ['-qfec', command.map((part) => `'${part}'`).join(' '), '/dev/null'], { cwd: ROOT, env: fullEnv, encoding: 'utf8' })
    : spawnSync(command[0], command.slice(1), { cwd: ROOT, env: fullEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`exited with ${result.status}: ${result.stdout}${result.stderr}`);
  return result.stdout.replace(/\r\n/g, '\n');
}

// eslint-disable-next-line no-control-regex
const withoutColours = (text: string) => text.replace(/\u001b\[\d+m/g, '');

function expectReadable(output: string): void {
  const lines = withoutColours(output).trimEnd().split('\n');
  expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}embedded PostgreSQL started port=4000 dataDir="\/tmp\/credit data" ms=37\.65$/);
  expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}agenda database connection lost err="connection refused"$/);
  // An error is followed by its stack, indented.
  expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR job failed job=imports:run$/);
  expect(lines[3]).toBe('    Error: disk full');
  expect(lines[4]).toMatch(/^ {8}at /);
  expect(output).not.toContain('{"level"');
}

function expectJson(output: string): void {
  const records = output.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(records.map((r) => [r.level, r.msg])).toEqual([
    [30, 'embedded PostgreSQL started'],
    [40, 'agenda database connection lost'],
    [50, 'job failed'],
  ]);
  expect(records[0]).toEqual({ level: 30, time: expect.any(Number), service: 'credit-api', port: 4000, dataDir: '/tmp/credit data', ms: 37.651421, msg: 'embedded PostgreSQL started' });
  expect(records[2].err).toMatchObject({ type: 'Error', message: 'disk full', stack: expect.stringContaining('Error: disk full') });
}

describe('log format', () => {
  itInTerminal('is readable lines, in colour, when stdout is a terminal', () => {
    const output = run(true);
    expectReadable(output);
    expect(output).toContain('\u001b[32mINFO ');
  });

  it('is JSON when stdout is a pipe or a file', () => {
    expectJson(run(false));
  });

  itInTerminal('is JSON in a terminal with LOG_FORMAT=json, and has no colours with NO_COLOR', () => {
    expectJson(run(true, { LOG_FORMAT: 'json' }));
    const output = run(true, { NO_COLOR: '1' });
    expectReadable(output);
    expect(output).not.toContain('\u001b[');
  });

  it('is readable lines without colours through a pipe with LOG_FORMAT=pretty', () => {
    const output = run(false, { LOG_FORMAT: 'pretty' });
    expectReadable(output);
    expect(output).not.toContain('\u001b[');
  });

  it('refuses an unknown LOG_FORMAT, naming the variable', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(new ConfigError("LOG_FORMAT must be json, pretty or auto, got 'yaml'"));
  });
});
