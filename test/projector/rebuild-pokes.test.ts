/**
 * The pokes a rebuild sends, and how it ends on a log with a gap, specified in-process (memory-projector.ts; the rebuild's Redis record is stood in for,
 * so the switch succeeds when asked): what QStash would deduplicate among them. QStash drops a publish whose
 * deduplication id it accepted in the last 10 minutes, so two pokes that must both be delivered must never share one.
 */
import { describe, expect, test } from "vitest";
import { encodeEvent } from "../../shared/domain";
import type { Position } from "../../shared/event-log/port";
import type { Logger } from "../../shared/http/log";
import { type PokeReason, pokeDeduplicationId } from "../../shared/notifier/qstash";
import { rebuildChunk } from "../../workers/projector/rebuild/chunk";
import { startRebuild } from "../../workers/projector/rebuild/start";
import { trySwitch } from "../../workers/projector/rebuild/switch";
import { created, envelope } from "../domain/fixtures";
import { taskOn } from "./given";
import { memoryProjector } from "./memory-projector";

const quiet: Logger = { info: () => {}, error: () => {}, with: () => quiet };
const NAMESPACE = "memory:g1";
const NOW = Date.UTC(2026, 0, 1);

interface Published {
  hint: Position;
  reason: PokeReason;
  id: string;
}

/** A projector of three partitions whose rebuild starts and switches when asked; what it publishes is kept. */
function rebuildingProjector() {
  const memory = memoryProjector({ partitions: 3 });
  const base = memory.build();
  const published: Published[] = [];
  const deps = {
    ...base,
    notifier: {
      poke: async () => {},
      async pokeMany(hints: readonly Position[], reason: PokeReason, namespace?: string) {
        for (const hint of hints)
          published.push({ hint, reason, id: pokeDeduplicationId(hint, reason, NOW, namespace) });
      },
    },
    rebuild: {
      ...base.rebuild,
      start: async () => ({ started: true as const, namespace: NAMESPACE }),
      switchLive: async () => ({ kind: "switched" as const, old: "memory" }),
    },
  };
  return { memory, deps, published };
}

describe("the pokes of a rebuild", () => {
  test("rebuild: the post-switch poke of a partition empty when the heads were read is not deduplicated against the rebuild's chunk pokes", async () => {
    const { memory, deps, published } = rebuildingProjector();
    const task = taskOn(0, 3);
    await memory.log.append(task, [encodeEvent(envelope(created("Fold me"), { taskId: task, version: 1 }))]);

    await startRebuild(deps, quiet);
    const chunks = published.splice(0);
    const background: Promise<unknown>[] = [];
    const answer = await trySwitch(deps, NAMESPACE, (p) => void background.push(p), quiet);
    await Promise.all(background);

    expect(answer).toEqual({ kind: "switched", old: "memory" });
    expect(chunks.map((c) => c.hint)).toEqual([0, 1, 2].map((partition) => ({ partition, offset: 0 })));
    expect(published.map((p) => p.hint)).toEqual([
      { partition: 0, offset: 1 },
      { partition: 1, offset: 0 },
      { partition: 2, offset: 0 },
    ]);
    // Neither a first chunk nor a chunk continuing from the offset the switch names may share an id with it.
    const chunkIds = new Set([
      ...chunks.map((c) => c.id),
      ...published.map((p) => pokeDeduplicationId(p.hint, "rebuild", NOW, NAMESPACE)),
    ]);
    expect(published.filter((p) => chunkIds.has(p.id))).toEqual([]);
  });
});

describe("a rebuild over a log with a gap", () => {
  test("rebuild: a partition whose log lost records ends the rebuild as failed, naming the gap, instead of retrying it for ever", async () => {
    const { memory, deps, published } = rebuildingProjector();
    const failed: string[] = [];
    const failing = {
      ...deps,
      rebuild: { ...deps.rebuild, fail: async (_: string, reason: string) => failed.push(reason) > 0 },
    };
    const task = taskOn(0, 3);
    for (const version of [1, 2, 3])
      await memory.log.append(task, [
        encodeEvent(envelope(created(`v${version}`), { taskId: task, version })),
      ]);
    memory.log.lose(0, [1]);

    const background: Promise<unknown>[] = [];
    const chunk = await rebuildChunk(failing, NAMESPACE, [0], (p) => void background.push(p), quiet);
    await Promise.all(background);

    expect(chunk.failedReason).toMatch(/^partition 0 stopped at offset 1: .*1 missing \(offset 1\)/);
    expect(failed).toEqual([chunk.failedReason]);
    expect(published).toEqual([]);
  });
});
