/**
 * CPU time spent by this process and its descendants (the stack process with its redis-server, and workerd),
 * read from /proc: it says which process a scenario was bound by. Linux only; elsewhere the figures are absent.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface CpuTimes {
  /** The bench process itself: the load generator. */
  bench: number;
  /** The stack process: the Redis REST front end, the Kafka and QStash emulators. */
  emulators: number;
  redis: number;
  workerd: number;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on

interface Proc {
  ppid: number;
  comm: string;
  ms: number;
}

function readProcs(): Map<number, Proc> | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const procs = new Map<number, Proc>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      procs.set(Number(entry), {
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf("(") + 1, close),
        ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
      });
    } catch {
      // the process ended while we read
    }
  }
  return procs;
}

/** A reading: CPU ms so far per process of ours, by kind. */
export type CpuReading = Map<number, { kind: keyof CpuTimes; ms: number }>;

function kindOf(comm: string): keyof CpuTimes | undefined {
  if (comm.startsWith("redis-server")) return "redis";
  if (comm.startsWith("workerd")) return "workerd";
  if (comm === "node") return "emulators";
  return undefined;
}

/** CPU ms used so far by this process and its descendants, by kind; undefined off Linux. */
export function readCpu(): CpuReading | undefined {
  const procs = readProcs();
  const self = procs?.get(process.pid);
  if (!procs || !self) return undefined;
  const reading: CpuReading = new Map([[process.pid, { kind: "bench", ms: self.ms }]]);
  for (const [pid, proc] of procs) {
    const kind = kindOf(proc.comm);
    if (!kind) continue;
    let parent = proc.ppid;
    for (let depth = 0; depth < 8 && parent > 1 && parent !== process.pid; depth++) {
      parent = procs.get(parent)?.ppid ?? 0;
    }
    if (parent === process.pid && pid !== process.pid) reading.set(pid, { kind, ms: proc.ms });
  }
  return reading;
}

/** CPU ms used since `before`, per kind (a process started since counts from zero). */
export function cpuSince(before: CpuReading | undefined): CpuTimes | undefined {
  const after = readCpu();
  if (!before || !after) return undefined;
  const times: CpuTimes = { bench: 0, emulators: 0, redis: 0, workerd: 0 };
  for (const [pid, { kind, ms }] of after) times[kind] += ms - (before.get(pid)?.ms ?? 0);
  return times;
}
