/**
 * CPU time of whole process trees from /proc, for systems the bench runs as
 * separate processes (Alertmanager; the local stack with its JVM). utime +
 * stime cover every thread of a process; cutime + cstime add its children
 * that ended and were reaped, so a child exiting between two readings moves
 * its time into its parent's figure instead of losing it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  name: string;
  /** Own threads plus reaped children, milliseconds. */
  cpuMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    // Fields from the 3rd on: state ppid ... utime(14) stime(15) cutime(16) cstime(17).
    const fields = stat.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid, ppid: Number(fields[1]), name, cpuMs: (ticks * 1000) / CLOCK_TICKS };
  } catch {
    // The process ended while we looked.
    return undefined;
  }
}

/** A reading of a process tree: CPU milliseconds per process, keyed by pid. */
export type TreeReading = Map<number, { name: string; cpuMs: number }>;

/** `root` and every process descended from it, with their CPU so far. */
export function readTree(root: number): TreeReading {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  const reading: TreeReading = new Map();
  const rootStat = all.find((stat) => stat.pid === root);
  if (rootStat === undefined) return reading;
  const pending = [rootStat];
  while (pending.length > 0) {
    const stat = pending.pop()!;
    reading.set(stat.pid, { name: stat.name, cpuMs: stat.cpuMs });
    pending.push(...(children.get(stat.pid) ?? []));
  }
  return reading;
}

/** CPU milliseconds spent between two readings, per pid (processes that appeared count from zero). */
export function cpuBetween(before: TreeReading, after: TreeReading): Map<number, { name: string; cpuMs: number }> {
  const spent = new Map<number, { name: string; cpuMs: number }>();
  for (const [pid, { name, cpuMs }] of after) spent.set(pid, { name, cpuMs: cpuMs - (before.get(pid)?.cpuMs ?? 0) });
  // A process that ended in between is in its parent's cutime with all its time, also what it spent before the first reading (a slight overcount).
  return spent;
}

/** Total of a `cpuBetween` result. */
export function totalCpuMs(spent: Map<number, { cpuMs: number }>): number {
  let total = 0;
  for (const { cpuMs } of spent.values()) total += cpuMs;
  return total;
}
