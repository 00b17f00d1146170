// Compiles src/ to dist/, and copies the other files under src/ (the portal page's assets) beside the code. Two ways:
//   node tools/build.js              (npm run build) tsc, type-checked, incremental.
//   node tools/build.js --if-changed (npm start, through tools/start.js) nothing when dist/ was built from exactly
//                                    the current inputs; otherwise SWC, file by file without a type check, as the
//                                    tests run the code.
// Either records a fingerprint of the inputs in dist/.build-fingerprint once it succeeds.
// Plain JavaScript on purpose: it runs before anything is compiled.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = 'dist';
const FINGERPRINT_FILE = path.join(DIST, '.build-fingerprint');
const BUILD_INFO_FILE = path.join(DIST, 'tsconfig.tsbuildinfo');
// Besides src/: what changes the compiled output (compiler options, package versions) or this script's decision.
const INPUT_FILES = ['tsconfig.json', '.swcrc', 'package.json', 'package-lock.json', path.join('tools', 'build.js')];

/** Files under src/ that are compiled (tsconfig.json leaves out the tests beside the code), relative to `root`. */
function sourceFiles(root) {
  return fs
    .readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/** The TypeScript sources with the compiled file of each (src/a/b.ts -> dist/a/b.js). */
function compiledFiles(root) {
  return sourceFiles(root)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => ({ source: file, output: path.join(DIST, `${path.relative('src', file).slice(0, -'.ts'.length)}.js`) }));
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

/** Files under src/ served as they are (the portal page's script and style sheet), with their place in dist/. */
function staticFiles(root) {
  return sourceFiles(root)
    .filter((file) => !file.endsWith('.ts'))
    .map((file) => ({ source: file, output: path.join(DIST, path.relative('src', file)) }));
}

/** Copies the static files beside the compiled code, so that dist/ runs on its own (the image holds only dist/). */
function copyStaticFiles(root) {
  for (const { source, output } of staticFiles(root)) {
    fs.mkdirSync(path.dirname(path.join(root, output)), { recursive: true });
    fs.copyFileSync(path.join(root, source), path.join(root, output));
  }
}

const outputsPresent = (root) => [...compiledFiles(root), ...staticFiles(root)].every(({ output }) => fs.existsSync(path.join(root, output)));

/** Why dist/ must be built, or null when it is the output of exactly these inputs. */
function staleReason(root) {
  const file = path.join(root, FINGERPRINT_FILE);
  const recorded = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
  if (recorded === null) return 'no previous build';
  if (recorded !== fingerprint(root)) return 'sources changed since the last build';
  if (!outputsPresent(root)) return 'compiled files are missing from dist/';
  return null;
}

/** tsc with its type check; its exit status. */
function compileWithTsc(root) {
  // tsc trusts its build info about what it emitted; a missing output needs a full compile.
  if (!outputsPresent(root)) fs.rmSync(path.join(root, BUILD_INFO_FILE), { force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  return spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' }).status ?? 1;
}

/**
 * SWC with the options the tests use (.swcrc), in well under a second where tsc takes ten or more: types are
 * checked by `npm run typecheck`, `npm run build` and CI, not on every start. import() stays a native dynamic
 * import, as tsc leaves it under module node16 (Agenda and graphql-upload are ESM-only).
 */
function transpileWithSwc(root) {
  const { transformFileSync } = require(require.resolve('@swc/core', { paths: [root] }));
  const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  delete swcrc.$schema;
  try {
    for (const { source, output } of compiledFiles(root)) {
      const options = { ...swcrc, swcrc: false, sourceMaps: true, module: { ...swcrc.module, ignoreDynamic: true } };
      const { code, map } = transformFileSync(path.join(root, source), options);
      const target = path.join(root, output);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
      fs.writeFileSync(`${target}.map`, map);
    }
  } catch (error) {
    // SWC's message shows the file and line; the native backtrace after it helps no one.
    console.error((error instanceof Error ? error.message : String(error)).split('\nStack backtrace:')[0]);
    return 1;
  }
  return 0;
}

/** Builds and, on success, records the fingerprint taken before building, so an edit made meanwhile builds again. */
function build(root, compile) {
  const before = fingerprint(root);
  fs.rmSync(path.join(root, FINGERPRINT_FILE), { force: true });
  const status = compile(root);
  if (status === 0) copyStaticFiles(root);
  if (status === 0) fs.writeFileSync(path.join(root, FINGERPRINT_FILE), `${before}\n`);
  return status;
}

/** What `npm start` does first (tools/start.js): nothing when dist/ is current, else SWC. Returns the exit status. */
function buildIfChanged(root = ROOT) {
  const reason = staleReason(root);
  if (reason === null) {
    console.log('dist/ is up to date with src/: not compiling');
    return 0;
  }
  const started = Date.now();
  const status = build(root, transpileWithSwc);
  if (status === 0) console.log(`compiled src/ in ${Date.now() - started} ms (${reason}; types are checked by npm run typecheck)`);
  return status;
}

module.exports = { staleReason, buildIfChanged };

if (require.main === module) process.exitCode = process.argv.includes('--if-changed') ? buildIfChanged() : build(ROOT, compileWithTsc);
