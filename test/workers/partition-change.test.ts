/**
 * Changing the partition count (docs/operations.md#changing-the-partition-count): writes frozen by a command worker whose
 * partition count no longer matches the projection's, the log copied into a new topic of more partitions
 * (local/repartition), a new projection folded from it, and both workers moved to the new log. Every task written
 * before or after the change keeps every event, in order, and the list holds every live task.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RepartitionError, repartition } from "../../local/repartition/copy";
import { startWorkerOnFreePort } from "../../local/workerd/worker";
import { eventLogConfig } from "../../shared/config/event-log";
import { createEventLog } from "../../shared/event-log/create";
import type { EventLog } from "../../shared/event-log/port";
import { CREATE, DELETE, HISTORY, LIST, UPDATE } from "./support/command-support";
import { eventually, poke, startProjector, status } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ eventLog: "redis-streams", partitions: 2 });

type Answer = { data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> };

async function graphql(url: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer;
}

/** Runs a mutation and answers its field, failing the test on any error. */
async function mutate(url: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
  const answer = await graphql(url, query, variables);
  expect(answer.errors).toBeUndefined();
  return Object.values(answer.data ?? {})[0];
}

type Task = { id: string; text: string; done: boolean; version: number; createdAt: string };
type HistoryEntry = { eventId: string; version: number; position: string };

/** A history entry without its position in the log, which the copy changes. */
const unplaced = ({ position: _, ...entry }: HistoryEntry) => entry;

/** What each task should be after the writes the test made: its text and state, or gone. */
type Expected = Map<string, { text: string; done: boolean } | "deleted">;

async function create(url: string, text: string, expected: Expected): Promise<string> {
  const task = (await mutate(url, CREATE, { text })) as Task;
  expected.set(task.id, { text, done: false });
  return task.id;
}

async function update(url: string, id: string, text: string, done: boolean, expected: Expected) {
  await mutate(url, UPDATE, { id, text, done });
  expected.set(id, { text, done });
}

async function history(url: string, id: string): Promise<HistoryEntry[]> {
  const answer = await graphql(url, HISTORY, { id });
  expect(answer.errors).toBeUndefined();
  return answer.data?.history as HistoryEntry[];
}

async function list(url: string): Promise<Task[]> {
  const answer = await graphql(url, LIST, {});
  expect(answer.errors).toBeUndefined();
  return answer.data?.list as Task[];
}

/** Waits until a query of `url` shows every write (its projection's lag is 0). */
async function caughtUp(url: string): Promise<void> {
  await eventually(async () => {
    const answer = await graphql(url, "{ projection { lag } }", {});
    expect(answer.data?.projection).toEqual({ lag: 0 });
  }, 20_000);
}

describe("partition count", () => {
  it("repartition: from 2 to 4 partitions, no task loses or reorders an event and the list stays complete", async () => {
    const before = sys();
    const expected: Expected = new Map();
    const old: string[] = [];
    for (let i = 0; i < 12; i++) old.push(await create(before.commandUrl, `before ${i}`, expected));
    for (const [i, id] of old.entries())
      await update(before.commandUrl, id, `renamed ${i}`, i % 2 === 0, expected);
    await mutate(before.commandUrl, DELETE, { id: old[11] });
    expected.set(old[11] ?? "", "deleted");
    await caughtUp(before.commandUrl);
    const histories = new Map(
      await Promise.all(old.map(async (id) => [id, await history(before.commandUrl, id)] as const)),
    );

    // 1. Freeze writes: a command worker told the new count no longer matches the projection's log, and refuses.
    const frozen = await startWorkerOnFreePort("workers/command/index.ts", () => ({
      ...before.env,
      EVENT_LOG_PARTITIONS: "4",
    }));
    try {
      const refused = await graphql(`http://127.0.0.1:${frozen.port}`, CREATE, { text: "during the freeze" });
      expect(refused.errors?.[0]?.extensions?.code).toBe("MISCONFIGURED");
      // Reads are still served meanwhile.
      expect(await list(`http://127.0.0.1:${frozen.port}`)).toHaveLength(11);
      expect((await history(`http://127.0.0.1:${frozen.port}`, old[1] ?? "")).map(unplaced)).toEqual(
        (histories.get(old[1] ?? "") ?? []).map(unplaced),
      );
    } finally {
      await frozen.mf.dispose();
    }

    // 2. Copy the log into a new topic of 4 partitions.
    const moved = {
      UPSTASH_KAFKA_TOPIC: `${before.env.UPSTASH_KAFKA_TOPIC}-p4-${randomUUID().slice(0, 8)}`,
      PROJECTION_PREFIX: `${before.env.PROJECTION_PREFIX}-p4`,
      EVENT_LOG_PARTITIONS: "4",
    };
    const copy = await repartition(before.log(), createEventLog(eventLogConfig({ ...before.env, ...moved })));
    expect(copy.to).toHaveLength(4);
    expect(copy.to.reduce((a, b) => a + b, 0)).toBe(copy.from.reduce((a, b) => a + b, 0));

    // 3. Fold a new projection from it; 4. move the command worker to the new log and projection.
    const projector = await startProjector(before, moved);
    const command = await startWorkerOnFreePort("workers/command/index.ts", () => projector.env);
    const after = `http://127.0.0.1:${command.port}`;
    try {
      expect((await poke(projector)).status).toBe(200);
      await eventually(async () => expect((await status(projector)).lag).toBe(0));

      // Writes after the change: new tasks, and more events for the old ones.
      const fresh: string[] = [];
      for (let i = 0; i < 8; i++) fresh.push(await create(after, `after ${i}`, expected));
      for (const [i, id] of old.slice(0, 6).entries()) await update(after, id, `moved ${i}`, true, expected);
      await mutate(after, DELETE, { id: old[0] });
      expected.set(old[0] ?? "", "deleted");
      await update(after, fresh[0] ?? "", "after 0, renamed", true, expected);
      await caughtUp(after);

      // Every task's history: what it had before the change, in the same order, then what came after.
      for (const id of [...old, ...fresh]) {
        const now = await history(after, id);
        const then = histories.get(id) ?? [];
        expect(now.slice(0, then.length).map(unplaced)).toEqual(then.map(unplaced));
        expect(now.map((e) => e.version)).toEqual(now.map((_, i) => i + 1));
      }
      // The list: every live task, as last written, in creation order.
      const shown = await list(after);
      const live = [...expected].flatMap(([id, e]) => (e === "deleted" ? [] : [{ id, ...e }]));
      expect(
        shown.map(({ id, text, done }) => ({ id, text, done })).sort((a, b) => a.id.localeCompare(b.id)),
      ).toEqual(live.sort((a, b) => a.id.localeCompare(b.id)));
      const created = shown.map((t) => t.createdAt);
      expect(created).toEqual([...created].sort());
    } finally {
      await Promise.allSettled([command.mf.dispose(), projector.close()]);
    }
  });

  it("repartition: refuses a new log that already holds records", async () => {
    const env = {
      ...sys().env,
      UPSTASH_KAFKA_TOPIC: `used-${randomUUID().slice(0, 8)}`,
      EVENT_LOG_PARTITIONS: "4",
    };
    const target = createEventLog(eventLogConfig(env));
    await target.append("some-task", ["{}"]);

    await expect(repartition(sys().log(), target)).rejects.toThrow(/new log is not empty/);
  });

  it("repartition: fails naming the partition when a write reaches the old log during the copy", async () => {
    const env = (topic: string, partitions: number) => ({
      ...sys().env,
      UPSTASH_KAFKA_TOPIC: `${topic}-${randomUUID().slice(0, 8)}`,
      EVENT_LOG_PARTITIONS: String(partitions),
    });
    const source = createEventLog(eventLogConfig(env("live", 2)));
    await source.append("task-a", ["{}", "{}"]);
    const home = source.partitionFor("task-a");
    let wrote = false;
    // A writer that was not frozen: it appends while the copy reads.
    const live: EventLog = {
      ...source,
      partitionFor: (key) => source.partitionFor(key),
      read: async (partition, offset, options) => {
        const records = await source.read(partition, offset, options);
        if (!wrote) {
          wrote = true;
          await source.append("task-a", ["{}"]);
        }
        return records;
      },
    };

    const copying = repartition(live, createEventLog(eventLogConfig(env("copy", 4))));

    await expect(copying).rejects.toThrow(RepartitionError);
    await expect(copying).rejects.toThrow(new RegExp(`partitions ${home} \\(2 to 3\\)`));
  });
});
