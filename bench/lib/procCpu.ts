/** CPU time and memory of processes from /proc (Linux): what each process of a load test spent per request. */
import fs from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** utime + stime, seconds; with the reaped children's (cutime + cstime) for processes that fork workers (postgres). */
  cpu: number;
}

function statOf(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces or parentheses: the fields start after its last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  return { ppid: n(1), cpu: (n(11) + n(12) + n(13) + n(14)) / TICKS_PER_SECOND };
}

/** CPU seconds (user + system) a set of processes has used so far. */
export function cpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (statOf(pid)?.cpu ?? 0), 0);
}

/** The postmaster listening on `port` and every process it started (backends, checkpointer, WAL writer…). */
export function postgresPids(port: number): number[] {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const postmaster = all.find((pid) => {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return args.some((a) => a.endsWith('/postgres') || a === 'postgres') && args.includes('-p') && args[args.indexOf('-p') + 1] === String(port);
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) return [];
  return [postmaster, ...all.filter((pid) => statOf(pid)?.ppid === postmaster)];
}

/** Resident set size in MB (VmRSS). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU spent by each named group of processes while `run` runs. The bench process itself is measured with process.cpuUsage(). */
export async function cpuDuring<T>(groups: Record<string, () => number[]>, run: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const pidsOf = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, f()]));
  const before = Object.fromEntries(Object.entries(pidsOf).map(([k, pids]) => [k, cpuSeconds(pids)]));
  const self = process.cpuUsage();
  const result = await run();
  const selfUsed = process.cpuUsage(self);
  const cpu: Record<string, number> = { 'load generator': (selfUsed.user + selfUsed.system) / 1e6 };
  // Processes started during the run (a new backend) count from zero.
  for (const [k, f] of Object.entries(groups)) cpu[k] = cpuSeconds([...new Set([...pidsOf[k], ...f()])]) - before[k];
  return { result, cpu };
}
