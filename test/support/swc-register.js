// Lets a child process run the TypeScript sources as they are (node -r ./test/support/swc-register.js src/main.ts),
// compiled on load by SWC with the project's .swcrc, so process tests need no build step.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  // Dynamic import() stays native: Agenda and graphql-upload are ESM-only packages.
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { filename, swcrc: true, module: { type: 'commonjs', ignoreDynamic: true } });
  module._compile(code, filename);
};
