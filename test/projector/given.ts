/**
 * Given/when/then for the catch-up (workers/projector/fold/catch-up.ts), in-process over the in-memory log and
 * projection: given records in the log (a task's events, numbered in turn, or raw values) and whatever else a spec
 * sets up (a lease another fold holds, a log that fails), when the catch-up runs, then its result, the checkpoints,
 * the projected states, the stops and its log lines are what the spec says.
 */
import type { TaskEvent, TaskState } from "../../shared/domain";
import { encodeEvent } from "../../shared/domain";
import { createMemoryLogs, type MemoryEventLog } from "../../shared/event-log/memory/event-log";
import { type EventLog, type Position, partitionOf } from "../../shared/event-log/port";
import type { Logger } from "../../shared/http/log";
import type { FoldSink } from "../../shared/projection/fold-sink";
import type { PartitionStop } from "../../shared/projection/problems";
import { type CatchUpBudget, DEFAULT_BUDGET } from "../../workers/projector/fold/budget";
import { type AppliedBatch, catchUp } from "../../workers/projector/fold/catch-up";
import {
  type CatchUpResult,
  notStarted,
  type PartitionProgress,
} from "../../workers/projector/fold/progress";
import { envelope, uuid } from "../domain/fixtures";
import { createMemoryProjection, type MemoryProjection } from "../support/memory-projection";

/** One line the catch-up logged. */
export type Line = { level: "info" | "error"; msg: string } & Record<string, unknown>;

/** The log, the projection and the lines of one spec. */
export interface World {
  log: MemoryEventLog;
  projection: MemoryProjection;
  lines: Line[];
  logger: Logger;
  /** Moves the projection's clock (what its leases and marks expire on) `ms` forward. */
  advance(ms: number): void;
}

export interface CatchUpRun {
  budget?: Partial<CatchUpBudget>;
  only?: number[];
  /** The sink the fold applies to (default: the projection's own); a spec wraps it to race another fold. */
  sink?: (world: World) => FoldSink;
  /** The log the fold reads (default: the world's); a spec wraps it to act between two reads. */
  log?: (world: World) => EventLog;
  /** Told of each applied batch that changed tasks, as live updates are. */
  applied?: (batch: AppliedBatch) => void;
  /** The record the poke was sent for (an append's), as the poke route passes it. */
  announced?: Position;
}

/** What a run left: its result, and reads of the world after it. */
export interface Then {
  world: World;
  result: CatchUpResult;
  /** Checkpoint per partition that has one. */
  checkpoints(): Promise<Record<number, number>>;
  state(taskId: string): Promise<TaskState>;
  stops(): Promise<Map<number, PartitionStop>>;
  /** Runs the catch-up again on the same world. */
  again(run?: CatchUpRun): Promise<Then>;
}

type Step = (world: World) => Promise<void>;

export interface Given {
  /** Appends `events` of `taskId` in one append, numbered after the task's events given before. */
  task(taskId: string, ...events: TaskEvent[]): Given;
  /** Appends a raw record under `key`. */
  record(key: string, value: string): Given;
  /** Anything else the world needs before the run. */
  and(step: Step): Given;
  whenCatchUp(run?: CatchUpRun): Promise<Then>;
}

export function given(options: { partitions?: number } = {}): Given {
  const steps: Step[] = [];
  const versions = new Map<string, number>();
  const builder: Given = {
    task(taskId, ...events) {
      const first = versions.get(taskId) ?? 0;
      versions.set(taskId, first + events.length);
      const values = events.map((event, i) =>
        encodeEvent(envelope(event, { taskId, version: first + i + 1 })),
      );
      steps.push(async (w) => {
        await w.log.append(taskId, values);
      });
      return builder;
    },
    record(key, value) {
      steps.push(async (w) => {
        await w.log.append(key, [value]);
      });
      return builder;
    },
    and(step) {
      steps.push(step);
      return builder;
    },
    async whenCatchUp(run) {
      const w = world(options.partitions ?? 1);
      for (const step of steps) await step(w);
      return runIn(w, run);
    },
  };
  return builder;
}

function world(partitions: number): World {
  const lines: Line[] = [];
  const logger = (context: Record<string, unknown>): Logger => ({
    info: (msg, fields) => lines.push({ ...context, ...fields, level: "info", msg }),
    error: (msg, fields) => lines.push({ ...context, ...fields, level: "error", msg }),
    with: (fields) => logger({ ...context, ...fields }),
  });
  let now = Date.UTC(2026, 0, 1);
  return {
    log: createMemoryLogs().open("events", { partitions }),
    projection: createMemoryProjection({ now: () => now }),
    lines,
    logger: logger({}),
    advance: (ms) => {
      now += ms;
    },
  };
}

async function runIn(w: World, run: CatchUpRun = {}): Promise<Then> {
  const budget = { ...DEFAULT_BUDGET, ...run.budget };
  // Partitions in order, so that a spec of several knows which one is folded first.
  const deps = {
    log: run.log?.(w) ?? w.log,
    store: run.sink?.(w) ?? w.projection.sink,
    lease: w.projection.lease,
    logger: w.logger,
    start: 0,
    ...(run.applied && { applied: run.applied }),
    ...(run.announced && { announced: run.announced }),
  };
  const result = await catchUp(deps, budget, run.only);
  return {
    world: w,
    result,
    checkpoints: async () => Object.fromEntries(await w.projection.readModel.checkpoints()),
    state: (taskId) => w.projection.readModel.task(taskId),
    stops: () => w.projection.readModel.stops(),
    again: (next) => runIn(w, next),
  };
}

/** A partition's progress as a run reports it, with the fields a spec does not name as before its fold. */
export function progress(fields: Partial<PartitionProgress>): PartitionProgress {
  return { ...notStarted(fields.partition ?? 0), ...fields };
}

/** A task id whose events go to `partition` of `partitions` (the n-th such id). */
export function taskOn(partition: number, partitions: number, n = 0): string {
  let found = 0;
  for (let i = 1; ; i++) {
    const id = uuid(i, "7a5c0f3e");
    if (partitionOf(id, partitions) === partition && found++ === n) return id;
  }
}
