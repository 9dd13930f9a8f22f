// CPU use over an interval, from /proc (Linux; null elsewhere): the busy share of the whole
// machine and the CPU seconds per command of the bench's own process tree (node, postgres),
// with everything else on the machine summed as "other processes". With PostgreSQL, the
// app and the fake provider sharing a few cores, it tells whether a run waited on latency
// or was starved of CPU, who used it, and whether something foreign disturbed the run.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const OTHER = 'other processes';

interface ProcessTicks {
  comm: string;
  ppid: string;
  ticks: number;
}

export interface CpuUse {
  /** Busy share of the whole machine, 0..1. */
  busy: number;
  secondsByCommand: Record<string, number>;
}

export interface CpuMeasurement {
  stop(): CpuUse | null;
}

function readMachineTicks(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) };
}

/** pid → { comm, ppid, ticks } of every live process. */
function readProcesses(): Map<string, ProcessTicks> {
  const processes = new Map<string, ProcessTicks>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.set(pid, { comm, ppid: fields[1], ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return processes;
}

function isDescendant(pid: string, root: string, processes: Map<string, ProcessTicks>): boolean {
  for (let current: string | undefined = pid, depth = 0; current && depth < 64; depth++) {
    if (current === root) return true;
    current = processes.get(current)?.ppid;
  }
  return false;
}

/**
 * Starts a measurement; `stop()` returns { busy: 0..1, secondsByCommand } or null off Linux.
 * `root` is the pid whose descendants are the bench's own; `labels` renames some pids.
 */
export function measureCpu({ root = String(process.pid), labels = {} }: { root?: string; labels?: Record<string, string> } = {}): CpuMeasurement {
  let start: { machine: { idle: number; total: number }; processes: Map<string, ProcessTicks> };
  try {
    start = { machine: readMachineTicks(), processes: readProcesses() };
  } catch {
    return { stop: () => null };
  }
  return {
    stop() {
      const machine = readMachineTicks();
      const processes = readProcesses();
      const secondsByCommand: Record<string, number> = {};
      for (const [pid, { comm, ticks }] of processes) {
        const used = ticks - (start.processes.get(pid)?.ticks ?? 0);
        if (used <= 0) continue;
        const command = labels[pid] ?? (isDescendant(pid, root, processes) ? comm : OTHER);
        secondsByCommand[command] = (secondsByCommand[command] ?? 0) + used / TICKS_PER_SECOND;
      }
      const busy = 1 - (machine.idle - start.machine.idle) / Math.max(1, machine.total - start.machine.total);
      return { busy, secondsByCommand };
    },
  };
}

/** "machine CPU 98 % busy (node 2.1 s, postgres 1.4 s, other processes 0.3 s)". */
export function describeCpu(cpu: CpuUse | null | undefined): string {
  if (!cpu) return 'CPU n/a';
  const top = Object.entries(cpu.secondsByCommand)
    .filter(([, seconds]) => seconds >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([command, seconds]) => `${command} ${seconds.toFixed(1)} s`);
  return `machine CPU ${Math.round(cpu.busy * 100)} % busy (${top.join(', ')})`;
}

/**
 * Waits (up to `maxWaitMs`) until foreign processes leave the machine mostly idle, so a
 * measurement does not time someone else's build; returns false if it never got quiet.
 */
export async function waitForQuietMachine({ maxWaitMs = 120_000, maxBusy = 0.15 } = {}): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  let warned = false;
  while (Date.now() < deadline) {
    const probe = measureCpu();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cpu = probe.stop();
    if (!cpu || cpu.busy <= maxBusy) return true;
    if (!warned) console.log(`[bench] machine busy (${describeCpu(cpu)}); waiting up to ${maxWaitMs / 1000} s for quiet`);
    warned = true;
  }
  console.log('[bench] the machine stayed busy: the next figures are disturbed by other processes');
  return false;
}
