// Compiles src/ to dist/ with tsc (incremental). With --if-changed, as `npm start` runs it, it compiles only when
// the inputs differ from the last successful build, recorded as a fingerprint in dist/.build-fingerprint.
// Plain JavaScript on purpose: it runs before anything is compiled.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = 'dist';
const FINGERPRINT_FILE = path.join(DIST, '.build-fingerprint');
const BUILD_INFO_FILE = path.join(DIST, 'tsconfig.tsbuildinfo');
// Besides src/: what changes tsc's output (its options, the package versions) or this script's decision.
const INPUT_FILES = ['tsconfig.json', 'package.json', 'package-lock.json', path.join('tools', 'build.js')];

/** Files under src/ that tsc compiles (tsconfig.json excludes the tests beside the code), relative to `root`. */
function sourceFiles(root) {
  return fs
    .readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/**
 * Path, size and modification time of every input: an edit, a new or a deleted file, or a checkout of an older
 * version (git writes it with a new mtime) changes it. Contents are not read, so it costs a few milliseconds.
 */
function fingerprint(root) {
  const hash = crypto.createHash('sha256');
  for (const file of [...sourceFiles(root), ...INPUT_FILES]) {
    const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
    hash.update(`${file}\0${stat ? `${stat.size}\0${stat.mtimeMs}` : 'missing'}\n`);
  }
  return hash.digest('hex');
}

/** The compiled file of each source, as tsc names it (src/a/b.ts -> dist/a/b.js). */
function outputsPresent(root) {
  return sourceFiles(root)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .every((file) => fs.existsSync(path.join(root, DIST, `${file.slice('src/'.length, -'.ts'.length)}.js`)));
}

/** Why the build must run, or null when dist/ is the output of exactly these inputs. */
function staleReason(root) {
  const recorded = fs.existsSync(path.join(root, FINGERPRINT_FILE)) ? fs.readFileSync(path.join(root, FINGERPRINT_FILE), 'utf8').trim() : null;
  if (recorded === null) return 'no previous build';
  if (recorded !== fingerprint(root)) return 'sources changed since the last build';
  if (!outputsPresent(root)) return 'compiled files are missing from dist/';
  return null;
}

/** Runs tsc; on success records the fingerprint taken before compiling, so an edit made meanwhile builds again. */
function build(root) {
  const before = fingerprint(root);
  fs.rmSync(path.join(root, FINGERPRINT_FILE), { force: true });
  // tsc trusts its build info about what it emitted; a missing output needs a full compile.
  if (!outputsPresent(root)) fs.rmSync(path.join(root, BUILD_INFO_FILE), { force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  fs.writeFileSync(path.join(root, FINGERPRINT_FILE), `${before}\n`);
  return 0;
}

function main() {
  const ifChanged = process.argv.includes('--if-changed');
  const reason = staleReason(ROOT);
  if (ifChanged && reason === null) {
    console.log('dist/ is up to date with src/: not compiling');
    return 0;
  }
  if (ifChanged) console.log(`compiling (${reason})`);
  return build(ROOT);
}

process.exitCode = main();
