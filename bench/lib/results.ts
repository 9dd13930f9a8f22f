'use strict';
// A bench given --json=PATH also writes its figures there, for run-all's summary table.
const { writeFileSync } = require('node:fs');
const os = require('node:os');

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function writeResults(flags, results) {
  if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(results, null, 2));
}

module.exports = { machine, writeResults };
