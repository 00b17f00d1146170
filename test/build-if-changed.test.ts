// `npm start` compiles only when the inputs changed (tools/build.js --if-changed, with SWC), and `npm run build`
// (tools/build.js, tsc) records what it built too: run as npm runs them, on a small project of its own (the same
// script, .swcrc and compilers) so that each compile takes a second, not twenty.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
let dir: string;

function runBuild(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(dir, 'tools', 'build.js'), ...args], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

const buildIfChanged = () => runBuild('--if-changed');

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const mtime = (file: string) => fs.statSync(path.join(dir, file)).mtimeMs;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-build-'));
  fs.mkdirSync(path.join(dir, 'tools'));
  for (const file of ['build.js', 'start.js']) fs.copyFileSync(path.join(ROOT, 'tools', file), path.join(dir, 'tools', file));
  fs.copyFileSync(path.join(ROOT, '.swcrc'), path.join(dir, '.swcrc'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  write('package.json', '{ "name": "tiny", "private": true }\n');
  write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', lib: ['ES2022'], types: [], rootDir: 'src', outDir: 'dist', incremental: true, tsBuildInfoFile: 'dist/tsconfig.tsbuildinfo', strict: true },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
    }),
  );
  // No lib.dom or @types/node to parse: one declaration of what it uses.
  write('src/main.ts', "declare const console: { log(text: string): void };\nimport { cents } from './money';\nexport const total = cents(12.5);\nconsole.log(`total ${total}`);\n");
  write('src/money.ts', 'export const cents = (amount: number): number => Math.round(amount * 100);\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm start compiles only what changed (tools/build.js --if-changed)', () => {
  it('compiles on the first start, to code that runs', () => {
    const { status, output } = buildIfChanged();
    expect(status).toBe(0);
    expect(output).toMatch(/compiled src\/ in \d+ ms \(no previous build;/);
    expect(spawnSync(process.execPath, [path.join(dir, 'dist', 'main.js')], { encoding: 'utf8' }).stdout).toBe('total 1250\n');
  });

  it('does not compile when nothing changed', () => {
    const before = mtime('dist/main.js');
    const { status, output } = buildIfChanged();
    expect(status).toBe(0);
    expect(output).toContain('dist/ is up to date with src/: not compiling');
    expect(mtime('dist/main.js')).toBe(before);
  });

  it('compiles after a source file is touched or edited', () => {
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(dir, 'src/money.ts'), later, later);
    expect(buildIfChanged().output).toContain('(sources changed since the last build;');
    expect(buildIfChanged().output).toContain('not compiling');

    write('src/money.ts', 'export const cents = (amount: number): number => Math.round(amount * 1000) / 10;\n');
    expect(buildIfChanged().output).toContain('(sources changed since the last build;');
    expect(read('dist/money.js')).toContain('amount * 1000');
  });

  it('compiles after a source file is added; a test beside the code does not count', () => {
    write('src/money.test.ts', 'export {};\n');
    expect(buildIfChanged().output).toContain('not compiling');
    write('src/domain/dates.ts', 'export const DAY_MS = 86_400_000;\n');
    expect(buildIfChanged().output).toContain('(sources changed since the last build;');
    expect(read('dist/domain/dates.js')).toContain('86_400_000');
  });

  it('compiles again when a compiled file is missing from dist/', () => {
    fs.rmSync(path.join(dir, 'dist/money.js'));
    expect(buildIfChanged().output).toContain('(compiled files are missing from dist/;');
    expect(read('dist/money.js')).toContain('amount * 1000');
  });

  it('copies the other files under src/ (the portal page\'s assets) beside the compiled code', () => {
    write('src/assets/page.css', 'body { margin: 0; }\n');
    expect(buildIfChanged().output).toContain('(sources changed since the last build;');
    expect(read('dist/assets/page.css')).toBe('body { margin: 0; }\n');
    fs.rmSync(path.join(dir, 'dist/assets/page.css'));
    expect(buildIfChanged().output).toContain('(compiled files are missing from dist/;');
    expect(read('dist/assets/page.css')).toBe('body { margin: 0; }\n');
  });

  it('fails the start on a syntax error, and does not record that build as done', () => {
    write('src/money.ts', 'export const cents = (amount: number): number => Math.round(amount * 100;\n');
    const failed = buildIfChanged();
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain('money.ts');
    expect(failed.output).toContain('Syntax Error');
    write('src/money.ts', 'export const cents = (amount: number): number => Math.round(amount * 100);\n');
    expect(buildIfChanged().output).toContain('(no previous build;');
  });

  it('does not compile again after npm run build (tsc, type-checked), which fails on a type error', () => {
    write('src/money.ts', 'export const cents = (amount: number): string => amount * 100;\n');
    const failed = runBuild();
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain("Type 'number' is not assignable to type 'string'");
    write('src/money.ts', 'export const cents = (amount: number): number => Math.round(amount * 100);\n');
    expect(runBuild().status).toBe(0);
    expect(buildIfChanged().output).toContain('dist/ is up to date with src/: not compiling');
  });

  it('npm start (tools/start.js) compiles what changed, then runs dist/main.js', () => {
    const start = () => spawnSync(process.execPath, [path.join(dir, 'tools', 'start.js')], { cwd: dir, encoding: 'utf8' });
    expect(start().stdout).toBe('total 1250\n');
    write('src/main.ts', read('src/main.ts').replace('12.5', '7'));
    const edited = start();
    expect(edited.stdout).toMatch(/^compiled src\/ in \d+ ms \(sources changed since the last build;.*\ntotal 700\n$/);
  });
});
