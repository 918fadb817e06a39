/**
 * The cron's sweep (workers/projector/fold/sweep.ts), specified in-process: given partitions behind their log heads,
 * when the sweep runs, then it folds the most lagging one itself and pokes each other lagging one, within the
 * subrequests of one invocation.
 */
import { describe, expect, test } from "vitest";
import type { TaskEvent } from "../../shared/domain";
import { encodeEvent } from "../../shared/domain";
import { MIN_SUBREQUESTS } from "../../workers/projector/fold/budget";
import { sweep } from "../../workers/projector/fold/sweep";
import { completed, created, envelope, reopened } from "../domain/fixtures";
import { taskOn } from "./given";
import { memoryProjector } from "./memory-projector";

const quiet = { info: () => {}, error: () => {}, with: () => quiet };

/** A projector over a log of `partitions` where partition p holds `lags[p]` events of one task. */
async function lagging(lags: number[]) {
  const memory = memoryProjector({ partitions: lags.length });
  const life: TaskEvent[] = [created("Water the plants"), completed, reopened, completed, reopened];
  for (const [partition, lag] of lags.entries()) {
    const taskId = taskOn(partition, lags.length);
    const events = life.slice(0, lag).map((e, i) => encodeEvent(envelope(e, { taskId, version: i + 1 })));
    if (events.length > 0) await memory.log.append(taskId, events);
  }
  return memory;
}

async function sweepOnce(memory: Awaited<ReturnType<typeof lagging>>, bindings: Record<string, string> = {}) {
  const pending: Promise<unknown>[] = [];
  const result = await sweep(memory.build(bindings), (p) => void pending.push(p), quiet);
  await Promise.all(pending);
  return result;
}

describe("the sweep", () => {
  test("sweep: folds the most lagging partition itself and pokes every other lagging one in one batch", async () => {
    const memory = await lagging([1, 3, 0, 2]);

    const result = await sweepOnce(memory);

    expect(result).toEqual({
      swept: { from: 0, count: 4 },
      lagging: [1, 3, 0],
      folded: 1,
      caughtUp: true,
      fannedOut: [3, 0],
      subrequests: expect.objectContaining({ max: 40 }),
    });
    expect(Object.fromEntries(await memory.projection.readModel.checkpoints())).toEqual({ 1: 3 });
    expect(memory.pokes).toEqual([
      {
        hints: [
          { partition: 3, offset: 1 },
          { partition: 0, offset: 0 },
        ],
        reason: "sweep",
      },
    ]);
  });

  test("sweep: with nothing behind it folds nothing and pokes nothing", async () => {
    const memory = await lagging([0, 0]);

    const result = await sweepOnce(memory);

    expect(result).toEqual({
      swept: { from: 0, count: 2 },
      lagging: [],
      caughtUp: true,
      fannedOut: [],
      subrequests: expect.objectContaining({ max: 40 }),
    });
    expect(memory.pokes).toEqual([]);
  });

  test("sweep: with more partitions than its subrequests can read, consecutive sweeps read consecutive windows", async () => {
    const memory = await lagging([1, 1, 1]);
    const smallest = { PROJECTOR_MAX_SUBREQUESTS: String(MIN_SUBREQUESTS) };

    const windows = [];
    for (let i = 0; i < 3; i++) {
      const { swept, folded } = await sweepOnce(memory, smallest);
      windows.push({ swept, folded });
    }

    expect(windows).toEqual([
      { swept: { from: 0, count: 1 }, folded: 0 },
      { swept: { from: 1, count: 1 }, folded: 1 },
      { swept: { from: 2, count: 1 }, folded: 2 },
    ]);
    expect(Object.fromEntries(await memory.projection.readModel.checkpoints())).toEqual({ 0: 1, 1: 1, 2: 1 });
  });
});
