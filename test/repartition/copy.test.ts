/**
 * The repartition copy (local/repartition/copy.ts) in-process, over in-memory logs: it copies only a dense log,
 * and stops at a record missing anywhere in a batch, not only at its start, whatever the source's adapter checks.
 */
import { describe, expect, it } from "vitest";
import { RepartitionError, repartition } from "../../local/repartition/copy";
import { createMemoryLogs } from "../../shared/event-log/memory/event-log";
import type { EventLog } from "../../shared/event-log/port";

/** `log`, except that its reads leave out the record at `missing`, as a log whose reads do not check would. */
function skipping(log: EventLog, missing: number): EventLog {
  return {
    ...log,
    append: (key, values) => log.append(key, values),
    head: (partition) => log.head(partition),
    read: async (partition, fromOffset, options) =>
      (await log.read(partition, fromOffset, options)).filter((r) => r.offset !== missing),
  };
}

describe("repartition", () => {
  it("repartition: copies every record of a dense log", async () => {
    const logs = createMemoryLogs();
    const source = logs.open("old");
    await source.append("a", ["a0", "a1"]);
    await source.append("b", ["b0", "b1", "b2"]);
    const target = logs.open("new", { partitions: 2 });

    const result = await repartition(source, target, { batch: 2 });

    expect(result).toMatchObject({ copied: 5, from: [5] });
    const copied = [...(await target.read(0, 0)), ...(await target.read(1, 0))];
    expect(copied.map((r) => r.value).sort()).toEqual(["a0", "a1", "b0", "b1", "b2"]);
  });

  it("repartition: a record missing in the middle of a batch stops the copy before that batch is appended", async () => {
    const logs = createMemoryLogs();
    const source = logs.open("old");
    await source.append("k", ["r0", "r1", "r2", "r3", "r4"]);
    const target = logs.open("new");

    const copy = repartition(skipping(source, 2), target, { batch: 5 });

    await expect(copy).rejects.toThrow(
      new RepartitionError("partition 0 of the old log has no record at offset 2"),
    );
    expect(await target.head(0)).toBe(0);
  });
});
