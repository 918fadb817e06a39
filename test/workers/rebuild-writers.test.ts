/**
 * A rebuild under load (the acceptance test): a projection of thousands of tasks (a backlog put straight into
 * the log, uneven across two partitions so that one partition of the rebuild catches up long before the other) is
 * rebuilt while writers create, update and delete tasks throughout. Every `list` answer, before, during and after
 * the rebuild, holds every backlog task and, for the partition its consistency token names, every write
 * acknowledged before it was sent; no write fails; after the switch the new namespace, and the old one it
 * replaced, equal the fold of the log. A switch made before the rebuild caught up answers lists from a half-built
 * namespace, which the backlog check catches: the rebuild's fold batches are slowed (a Redis emulator delay) so
 * that it lasts far longer than a worker caches the live pointer.
 */
import { describe, expect, it } from "vitest";
import type { GraphQLAnswer } from "../support/system";
import { CREATE, DELETE, readAllTasks, UPDATE } from "./support/command-support";
import { converge, outcome, systemProjector, tally } from "./support/guarantees-support";
import { envelopes, expectProjectionOfLog, produceEvents } from "./support/projector-model";
import { admin, eventually } from "./support/projector-support";
import {
  idsIn,
  onNamespace,
  position,
  rebuildEnded,
  rebuildStatusOf,
  requestRebuild,
} from "./support/rebuild-support";
import { useSystem } from "./support/use-system";

const PARTITIONS = 2;
const sys = useSystem({
  partitions: PARTITIONS,
  bindings: { PROJECTOR_BATCH_SIZE: "50", PROJECTOR_MAX_EVENTS: "100" },
});

const WRITERS = 4;
const READERS = 2;
/** Backlog tasks per partition: uneven, so the rebuild's partition 0 catches up long before partition 1. */
const BACKLOG = [200, 4800];

interface Acked {
  version: number;
  deleted: boolean;
  partition: number;
  offset: number;
}

describe("a rebuild while writers run", () => {
  it("rebuild: every list answer is complete for acknowledged writes before, during and after, and the switch lands on the fold of the log", {
    timeout: 330_000,
  }, async () => {
    const p = systemProjector(sys());
    const backlog = BACKLOG.flatMap((count, partition) => idsIn(PARTITIONS, partition, count));
    const creates = backlog.flatMap((id) =>
      envelopes(id, [{ type: "TaskCreated", data: { text: `backlog ${id}` } }]),
    );
    for (let i = 0; i < creates.length; i += 500) await produceEvents(p, creates.slice(i, i + 500));
    await converge(sys(), 60_000);

    const acked = new Map<string, Acked>();
    const answers: GraphQLAnswer[] = [];
    const problems: string[] = [];
    // A task whose delete was sent may be gone from a list sent before its delete was acknowledged.
    const deleting = new Set<string>();
    const phases = { before: 0, during: 0, after: 0 };
    let phase: keyof typeof phases = "before";
    let stop = false;

    const ack = (id: string, answer: GraphQLAnswer, version: number, deleted: boolean) => {
      answers.push(answer);
      if (outcome(answer) === "OK") acked.set(id, { version, deleted, ...position(answer) });
    };
    const writer = async (w: number) => {
      for (let round = 0; !stop; round++) {
        const created = await sys().graphql(CREATE, { text: `writer ${w} round ${round}` });
        const id = created.body.data?.createTask?.id as string | undefined;
        ack(id ?? "", created, 1, false);
        if (id === undefined) continue;
        const updated = await sys().graphql(UPDATE, {
          id,
          text: `writer ${w} round ${round} done`,
          done: true,
        });
        ack(id, updated, 2, false);
        if (round % 3 === 0) {
          deleting.add(id);
          ack(id, await sys().graphql(DELETE, { id }), 3, true);
        }
      }
    };
    const reader = async (r: number) => {
      for (let read = 0; !stop; read++) {
        const partition = (r + read) % PARTITIONS;
        // What was acknowledged before the list is sent, and the newest position of it in one partition.
        const seen = [...acked].filter(([, a]) => a.partition === partition);
        const newest = Math.max(-1, ...seen.map(([, a]) => a.offset));
        const sentIn = phase;
        // The list holds more than a page: read it page by page, the first page waiting for the token.
        const { answer, tasks } = await readAllTasks<{ id: string; version: number }>(
          sys(),
          "id version",
          newest < 0 ? undefined : `${partition}:${newest}`,
        );
        phases[sentIn]++;
        if (tasks === undefined) {
          problems.push(`${sentIn}: list answered ${outcome(answer)}`);
          continue;
        }
        const listed = new Map<string, number>(tasks.map((t) => [t.id, t.version]));
        const missingBacklog = backlog.filter((id) => !listed.has(id)).length;
        if (missingBacklog > 0) problems.push(`${sentIn}: list lacks ${missingBacklog} backlog tasks`);
        for (const [id, a] of seen) {
          const version = listed.get(id);
          const gone = version === undefined && deleting.has(id);
          if (a.deleted ? version !== undefined : !gone && (version === undefined || version < a.version))
            problems.push(
              `${sentIn}: task ${id} listed at ${version}, acknowledged at ${a.version}${a.deleted ? " (deleted)" : ""}`,
            );
        }
      }
    };

    const running = Promise.all([
      ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
      ...Array.from({ length: READERS }, (_, r) => reader(r)),
    ]);
    await eventually(() => expect(phases.before).toBeGreaterThan(2), 30_000);
    phase = "during";
    // Each fold batch of the rebuild takes 100 ms more (the fold script alone names `<namespace>:partitions`), so
    // the rebuild lasts well past the pointer cache: a switch before it caught up would be read from.
    await admin(sys().stack.redis.url, "POST", "faults", {
      kind: "delay",
      ms: 100,
      count: 200,
      bodyIncludes: `${p.prefix}:g1:partitions`,
    });
    const started = await requestRebuild(p);
    expect(started.status).toBe(202);
    const namespace = started.body.namespace as string;
    // A generous bound: on two cores shared with other work this whole test has taken 130 s.
    const ended = await rebuildEnded(p, 200_000);
    phase = "after";
    const readsAfter = phases.after;
    await eventually(() => expect(phases.after).toBeGreaterThan(readsAfter + 4), 30_000);
    stop = true;
    await running;

    expect(ended.lastRebuild).toMatchObject({ namespace, state: "switched", retired: p.prefix });
    expect(problems.slice(0, 10)).toEqual([]);
    expect(phases.during).toBeGreaterThan(0);
    expect(Object.keys(tally(answers))).toEqual(["OK"]);

    await converge(sys(), 60_000);
    expect((await rebuildStatusOf(p)).namespace).toBe(namespace);
    // The command worker's isolate may keep the pointer it read for POINTER_CACHE_MS more.
    await eventually(async () => {
      const shown = await sys().graphql(
        "{ projection { namespace rebuild { namespace } lastRebuild { namespace state retired reason } } }",
      );
      expect(shown.body).toEqual({
        data: {
          projection: {
            namespace,
            rebuild: null,
            lastRebuild: { namespace, state: "switched", retired: p.prefix, reason: null },
          },
        },
      });
    });
    await expectProjectionOfLog(onNamespace(p, namespace));
    // The namespace it replaced is still folded through its grace period, and whole.
    await expectProjectionOfLog(p);
  });
});
