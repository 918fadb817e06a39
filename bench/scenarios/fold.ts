/**
 * Fold throughput: a backlog written straight into an empty topic, then the projector is woken once and timed
 * until its checkpoint reaches the head. Ours drains in invocations of its own budget and re-pokes itself through
 * QStash; the baseline fetches once per poke, so the bench delivers signed pokes back to back (its best case: in
 * production nothing would send them, and it would stay behind until enough mutations arrived).
 */
import { buildBacklog, produceBacklog } from "../backlog";
import { poke } from "../client";
import { type CpuTimes, cpuSince, readCpu } from "../cpu";
import { checkpoint, deliveries, logHead, qstashIdle } from "../emulators";
import { now, sleep } from "../measure";
import type { BenchStack, DesignPair } from "../system";

export interface FoldResult {
  events: number;
  ms: number;
  eventsPerSecond: number;
  /** Projector invocations it took: ours counted from QStash deliveries (+1 direct poke), the baseline's pokes. */
  invocations: number;
  /** CPU ms per 1,000 events, by process, while folding (Linux only). */
  cpuPer1000?: CpuTimes;
}

const POLL_MS = 5;
const LIMIT_MS = 300_000;

/**
 * Ours: one direct poke, then its own re-pokes through QStash. Progress is watched cheaply on QStash's delivery
 * summary (an admin route, no worker involved); the checkpoint is read (from Redis) only once nothing is pending,
 * so that the watching costs the fold next to nothing.
 */
async function foldOurs(
  stack: BenchStack,
  pair: DesignPair,
  head: number,
): Promise<Omit<FoldResult, "events">> {
  const deliveriesBefore = (await deliveries(stack)).successes;
  const start = now();
  let answered = false;
  let failure: unknown;
  const first = poke(pair).then(
    () => {
      answered = true;
    },
    (err: unknown) => {
      answered = true;
      failure = err;
    },
  );
  let ms = 0;
  for (;;) {
    await sleep(POLL_MS);
    if (failure) throw failure;
    if (now() - start > LIMIT_MS) throw new Error(`ours: fold not done after ${LIMIT_MS} ms`);
    if (!answered || (await deliveries(stack)).pending > 0) continue;
    const at = now();
    if ((await checkpoint(pair)) >= head) {
      ms = at - start;
      break;
    }
  }
  await first;
  await qstashIdle(stack);
  return {
    ms,
    eventsPerSecond: (head / ms) * 1000,
    invocations: 1 + (await deliveries(stack)).successes - deliveriesBefore,
  };
}

async function foldBaseline(pair: DesignPair, head: number): Promise<Omit<FoldResult, "events">> {
  const start = now();
  let invocations = 0;
  for (;;) {
    const answer = (await poke(pair)) as { offset: number; count: number };
    invocations++;
    if (answer.offset >= head) break;
    if (answer.count === 0) throw new Error("baseline projector stopped short of the head");
  }
  const ms = now() - start;
  return { ms, eventsPerSecond: (head / ms) * 1000, invocations };
}

/**
 * Projects a backlog of `events` records (80 % creates, 20 % completions) from offset 0, with a pair whose topic
 * nothing has written to yet; closes the pair. Task texts start with `label` (its length sets the task size).
 */
export async function measureFold(
  stack: BenchStack,
  pair: DesignPair,
  events: number,
  label = "fold",
): Promise<FoldResult> {
  const design = pair.design;
  try {
    await produceBacklog(pair, buildBacklog(design, { events, updateEvery: 5 }, label));
    const head = await logHead(pair);
    if (head !== events) throw new Error(`expected ${events} records in ${pair.topic}, found ${head}`);
    const cpu = readCpu();
    const result = design === "ours" ? await foldOurs(stack, pair, head) : await foldBaseline(pair, head);
    const used = cpuSince(cpu);
    const per1000 = (ms: number) => Math.round((ms / events) * 1000);
    return {
      events,
      ...result,
      ...(used && {
        cpuPer1000: {
          bench: per1000(used.bench),
          emulators: per1000(used.emulators),
          redis: per1000(used.redis),
          workerd: per1000(used.workerd),
        },
      }),
    };
  } finally {
    await pair.close();
  }
}
