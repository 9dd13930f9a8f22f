// Flags of the form --name or --name=value; nothing else, so a typo fails loudly.

export type Flags = Record<string, string | true | undefined>;

export function parseArgs(argv: string[] = process.argv.slice(2)): Flags {
  const flags: Flags = {};
  for (const arg of argv) {
    const match = /^--([a-z][\w-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`Unexpected argument "${arg}" (flags look like --quick or --latency=50)`);
    flags[match[1]] = match[2] === undefined ? true : match[2];
  }
  return flags;
}

export function numberFlag(flags: Flags, name: string, fallback: number): number {
  if (flags[name] === undefined) return fallback;
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

/** "10000,100000" or "10k,1m" → [10000, 100000]. */
export function sizeListFlag(flags: Flags, name: string, fallback: number[]): number[] {
  const value = flags[name];
  if (value === undefined) return fallback;
  return String(value).split(',').map(parseSize);
}

const UNITS: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a size (e.g. 10000, 10k, 1m)`);
  return Math.round(Number(match[1]) * UNITS[match[2].toLowerCase()]);
}
