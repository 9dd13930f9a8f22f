'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

/** Path of a compiled module; the benches measure the built code (`npm run build`). */
function dist(relative) {
  const path = join(ROOT, 'dist', relative);
  if (!existsSync(`${path}.js`) && !existsSync(path)) {
    throw new Error(`${path}.js is missing: run "npm run build" first (or "npm run bench")`);
  }
  return path;
}

module.exports = { ROOT, dist };
