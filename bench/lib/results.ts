// A bench given --json=PATH also writes its figures there, for run-all's summary table.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Flags } from './args';

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function writeResults(flags: Flags, results: object): void {
  if (typeof flags.json === 'string') writeFileSync(flags.json, JSON.stringify(results, null, 2));
}
