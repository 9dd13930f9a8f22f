'use strict';
// Flags of the form --name or --name=value; nothing else, so a typo fails loudly.

function parseArgs(argv = process.argv.slice(2)) {
  const flags = {};
  for (const arg of argv) {
    const match = /^--([a-z][\w-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unexpected argument "${arg}" (flags look like --quick or --latency=50)`);
    flags[match[1]] = match[2] === undefined ? true : match[2];
  }
  return flags;
}

function numberFlag(flags, name, fallback) {
  if (flags[name] === undefined) return fallback;
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

/** "10000,100000" or "10k,1m" → [10000, 100000]. */
function sizeListFlag(flags, name, fallback) {
  if (flags[name] === undefined) return fallback;
  return String(flags[name]).split(',').map(parseSize);
}

function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a size (e.g. 10000, 10k, 1m)`);
  const unit = { '': 1, k: 1_000, m: 1_000_000 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * unit);
}

module.exports = { parseArgs, numberFlag, sizeListFlag };
