/**
 * The workload the capacity and cost model is stated for, and the per-write averages it is built from.
 */
import type { DesignCounts, OpCount } from "../scenarios/model-counts";

export interface Workload {
  writesPerSecond: number;
  /** Shares of writes; they sum to 1. An update is a completion (one event), as the bench measures it. */
  writeMix: { create: number; update: number; delete: number };
  readsPerSecond: number;
  /** Shares of reads; they sum to 1. */
  readMix: { list: number; task: number };
  /** Characters of a task's text (the API takes at most 1,000). */
  taskBytes: number;
  /** Tasks in the projection when `list` is counted (the baseline's list costs one Redis command per task). */
  tasksPerList: number;
  /** The share of one partition's measured sustained fold rate the live write rate may use. */
  foldHeadroom: number;
}

/**
 * 100 writes/s in a to-do list's lifecycle (each task created, completed about once, most of them deleted),
 * 1,000 reads/s that are mostly whole lists, 1 KB tasks (1,000 characters, the API's largest), lists of 100 tasks.
 */
export const DEFAULT_WORKLOAD: Workload = {
  writesPerSecond: 100,
  writeMix: { create: 0.4, update: 0.35, delete: 0.25 },
  readsPerSecond: 1_000,
  readMix: { list: 0.9, task: 0.1 },
  taskBytes: 1000,
  tasksPerList: 100,
  foldHeadroom: 0.5,
};

/** An operation's counts as plain numbers, so that the mix can weigh them. */
export interface PerOp {
  redisRequests: number;
  redisCommands: number;
  redisBytes: number;
  kafkaRequests: number;
  /** `POST /offsets/...` requests: one log head per partition on every backend. */
  logHeads: number;
  qstashPublishes: number;
  projectorInvocations: number;
  commandSubrequests: number;
  projectorSubrequests: number;
  workerdCpuMs: number;
}

export function perOp(c: OpCount): PerOp {
  const logHeads = Object.entries(c.kafka)
    .filter(([endpoint]) => endpoint.includes("/offsets/"))
    .reduce((n, [, k]) => n + k, 0);
  return {
    redisRequests: c.redisRequests,
    redisCommands: c.redisCommands,
    redisBytes: c.redisBytes,
    kafkaRequests: c.kafkaRequests,
    logHeads,
    qstashPublishes: c.qstashPublishes,
    projectorInvocations: c.deliveries,
    commandSubrequests: c.command.total,
    projectorSubrequests: c.projector.total,
    workerdCpuMs: c.workerdCpuMs ?? 0,
  };
}

function weigh(parts: Array<[number, PerOp]>): PerOp {
  const out: PerOp = {
    redisRequests: 0,
    redisCommands: 0,
    redisBytes: 0,
    kafkaRequests: 0,
    logHeads: 0,
    qstashPublishes: 0,
    projectorInvocations: 0,
    commandSubrequests: 0,
    projectorSubrequests: 0,
    workerdCpuMs: 0,
  };
  for (const [w, op] of parts) {
    for (const k of Object.keys(out) as Array<keyof PerOp>) out[k] += w * op[k];
  }
  return out;
}

/** The mean write of the workload's mix, end to end (the command worker's and the projector's requests). */
export function meanWrite(d: DesignCounts, w: Workload): PerOp {
  return weigh([
    [w.writeMix.create, perOp(d.create)],
    [w.writeMix.update, perOp(d.update)],
    [w.writeMix.delete, perOp(d.delete)],
  ]);
}

/** The mean read. A design without a `task(id)` query (the baseline) answers it from its list. */
export function meanRead(d: DesignCounts, w: Workload): PerOp {
  const list = perOp(d.list);
  const task = d.task ? perOp(d.task) : list;
  return weigh([
    [w.readMix.list, list],
    [w.readMix.task, task],
  ]);
}
