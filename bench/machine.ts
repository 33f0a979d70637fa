/** What this machine and a process are using, read from /proc (Linux): memory, CPU, busy cores. */
import fs from 'node:fs';
import os from 'node:os';

export interface Memory {
  readonly rssMb: number;
  readonly peakMb: number;
}

/** Resident and peak resident memory of a process. */
export function memoryOf(pid: number | undefined): Memory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used so far (clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number | undefined): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Busy and total jiffies of the whole machine (all cores), from the first line of /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const [, user, nice, system, idle, iowait, irq, softirq, steal] = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .split(/\s+/)
    .map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

export const CORES = os.availableParallelism();

/** Cores kept busy (by anything) since `start`. */
export function busyCoresSince(start: { busy: number; total: number }): number {
  const now = machineTicks();
  return now.total === start.total ? 0 : (CORES * (now.busy - start.busy)) / (now.total - start.total);
}
