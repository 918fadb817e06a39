/**
 * The bench's reading of a projection's progress (`checkpoint` in bench/emulators.ts), which every wait of the bench
 * for a fold ends on (quiesce, the fold and rebuild scenarios): it must be what Redis holds now, not a copy of an
 * earlier answer. Ours' public `/status` is kept a few seconds per isolate; read through it, a wait between two quiet
 * creates lasted until that copy expired (5 s for ours, 10 ms for the baseline), and the quiet create compared
 * a create after 5 s of idling with one after 10 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTask } from "../../bench/client";
import { checkpoint, logHead, quiesce, redisCommand } from "../../bench/emulators";
import { until } from "../../bench/measure";
import { type BenchStack, type DesignPair, startBenchStack, startPair } from "../../bench/system";

describe("the bench's checkpoint", () => {
  let stack: BenchStack;
  let ours: DesignPair;
  beforeAll(async () => {
    stack = await startBenchStack();
    ours = await startPair(stack, "ours", "checkpoint");
  });
  afterAll(async () => {
    await ours?.close();
    await stack?.stop();
  });

  const stored = async () =>
    Number((await redisCommand(stack, ["HGET", `${ours.prefix}:checkpoint`, "0"])) ?? 0);

  it("ours: answers the checkpoint Redis holds, whatever the projector's public status keeps", async () => {
    await createTask(ours, "first");
    await quiesce(stack, ours);
    const before = await stored();
    // The public status, read now, is kept by the projector's isolate for a few seconds.
    const status = (await (await fetch(`${ours.projectorUrl}/status`)).json()) as {
      partitions: Array<{ checkpoint: number }>;
    };
    expect(status.partitions[0]?.checkpoint).toBe(before);

    await createTask(ours, "second");
    const head = await logHead(ours);
    const folded = async () => ((await stored()) >= head ? true : undefined);
    await until("the fold of the second create to be stored", folded, { everyMs: 5 });
    expect(await checkpoint(ours)).toBe(await stored());
    expect(await checkpoint(ours)).toBeGreaterThan(before);
  });

  it("ours: follows the live pointer to the namespace a rebuild switched to", async () => {
    // As a rebuild's switch leaves them (the last test of the file: the pair is not used after it).
    await redisCommand(stack, ["HSET", `${ours.prefix}:g7:checkpoint`, "0", "4242"]);
    await redisCommand(stack, ["SET", `${ours.prefix}:live`, `${ours.prefix}:g7`]);
    expect(await checkpoint(ours)).toBe(4242);
  });
});
