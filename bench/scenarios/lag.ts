/**
 * Projection lag: from a createTask's acknowledgement until `list` (polled as fast as it answers, 1 ms apart)
 * first shows the task. The pair's topic is fresh, so `list` stays small and cheap to poll. Each create starts
 * once the previous one is projected and QStash is idle, so its own latency is recorded too: createTask on a
 * quiet system, with no background work of earlier creates competing for the CPUs.
 */
import { createTask, listTasks } from "../client";
import { quiesce } from "../emulators";
import { interleave, now, type Summary, sleep, summarize } from "../measure";
import type { BenchStack, Design } from "../system";
import type { Pairs } from "./create";

export interface LagResult {
  ours: Summary;
  baseline: Summary;
  /** createTask latency when nothing else runs (each create after the previous one is projected). */
  quietCreate: Record<Design, Summary>;
  /** list requests polled per create, on average. */
  pollsPerCreate: Record<Design, number>;
}

const LIMIT_MS = 10_000;

export async function measureLag(
  stack: BenchStack,
  pairs: Pairs,
  opts: { rounds: number; perBlock: number },
): Promise<LagResult> {
  const samples: Record<Design, number[]> = { ours: [], baseline: [] };
  const polls: Record<Design, number> = { ours: 0, baseline: 0 };
  const acks: Record<Design, number[]> = { ours: [], baseline: [] };
  await interleave(opts.rounds, ["ours", "baseline"] as const, async (design) => {
    const pair = pairs[design];
    for (let i = 0; i < opts.perBlock; i++) {
      const sent = now();
      const task = await createTask(pair, `Lag task ${i}`);
      const acked = now();
      acks[design].push(acked - sent);
      for (;;) {
        polls[design]++;
        if ((await listTasks(pair)).some((t) => t.id === task.id)) break;
        if (now() - acked > LIMIT_MS) throw new Error(`${design}: task not visible after ${LIMIT_MS} ms`);
        await sleep(1);
      }
      samples[design].push(now() - acked);
      await quiesce(stack, pair);
    }
  });
  const n = opts.rounds * opts.perBlock;
  return {
    ours: summarize(samples.ours),
    baseline: summarize(samples.baseline),
    quietCreate: { ours: summarize(acks.ours), baseline: summarize(acks.baseline) },
    pollsPerCreate: { ours: polls.ours / n, baseline: polls.baseline / n },
  };
}
