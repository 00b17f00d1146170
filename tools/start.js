// `npm start [role]`: compiles src/ when it changed since the last build (tools/build.js --if-changed), then runs
// dist/main.js in this same process: a second Node.js would add a tenth of a second or more to every restart.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { staleReason } = require('./build');

const root = path.resolve(__dirname, '..');
if (staleReason(root) !== null) {
  // In a process of its own, so that the compiler does not stay loaded in the server.
  const { status } = spawnSync(process.execPath, [path.join(__dirname, 'build.js'), '--if-changed'], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
require(path.join(root, 'dist', 'main.js'));
