/**
 * The contract of a named list's looks (shared/lists/reads.ts): what a capability opens, with the read of its list,
 * alike on the in-process adapters (the registry, then the read model) and on Redis (one script). A test file calls
 * `listReadsContract` with a subject that opens a fresh registry and projection.
 */
import { describe, expect, test } from "vitest";
import type { TaskEvent } from "../../shared/domain";
import type { ListRecord, ListRegistry } from "../../shared/lists/port";
import type { ListReads } from "../../shared/lists/reads";
import type { FoldSink } from "../../shared/projection/fold-sink";
import type { ReadModel } from "../../shared/projection/read-model";
import { uuid } from "../domain/fixtures";
import { type Entry, foldAll, on, recordsOf } from "../projection/given";

export interface ListReadsAdapters {
  registry: ListRegistry;
  sink: FoldSink;
  readModel: ReadModel;
  reads: ListReads;
}

export interface ListReadsSubject {
  /** A fresh registry and projection, and the looks over them (nothing shared with any other opened). */
  open(): ListReadsAdapters;
}

const LIST: ListRecord = {
  id: "AtLRbf8fRtkvj3e1mLLy3A",
  viewId: "bNg0YjnM9zkMmLbNhgScXw",
  title: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  key: "k2cM8v8Qx4dY0V3m2xv3a4Rk8w3x5Zb8yq0Xh2rQm1c",
};
const OLD_LIST = "kitchen";

const on_ = (listId: string | undefined, text: string): TaskEvent => ({
  type: "TaskCreated",
  data: listId === undefined ? { text } : { text, listId },
});

/** Two tasks on LIST, one on the list `kitchen` known by its tasks only, one on the default list. */
const LOG: Entry[] = [
  on(uuid(1), on_(LIST.id, "first")),
  on(uuid(2), on_(OLD_LIST, "old")),
  on(uuid(3), on_(undefined, "default")),
  on(uuid(4), on_(LIST.id, "second")),
];

async function given(subject: ListReadsSubject, registered = true): Promise<ListReadsAdapters> {
  const adapters = subject.open();
  if (registered) expect(await adapters.registry.register(LIST)).toBe(true);
  const options = { partitions: 1, batchBytes: 1_000_000, batchSize: 100 };
  await foldAll(adapters.sink, adapters.readModel, recordsOf(LOG, 1), options);
  return adapters;
}

const texts = (look: { kind: string; read?: { tasks: Array<{ text: string }> } }) =>
  look.read?.tasks.map((t) => t.text);

export function listReadsContract(name: string, subject: () => ListReadsSubject): void {
  describe(`${name}: looks at a named list`, () => {
    test("a minted list by its id: edit, its entry, and each read of it", async () => {
      const { reads } = await given(subject());
      const list = await reads.list(LIST.id, 0, 10);
      expect(list).toMatchObject({ kind: "list", mode: "edit", list: LIST, read: { total: 2 } });
      expect(texts(list)).toEqual(["first", "second"]);
      const page = await reads.listAfter(LIST.id, 1);
      expect(texts(page)).toEqual(["first"]);
      expect(page.kind === "list" && page.read.next).toBeDefined();
      // The size comes with the checkpoints it was read at: the whole log of one partition, folded.
      const folded = new Map([[0, LOG.length]]);
      expect(await reads.sized(LIST.id)).toEqual({
        kind: "list",
        mode: "edit",
        list: LIST,
        read: { size: 2, checkpoints: folded },
      });
      expect(await reads.open(LIST.id)).toEqual({ kind: "list", mode: "edit", list: LIST, read: undefined });
    });

    test("a minted list by its view id: view, the list's entry and its tasks, every time", async () => {
      const { reads } = await given(subject());
      for (let i = 0; i < 2; i++) {
        const list = await reads.list(LIST.viewId, 0, 10);
        expect(list).toMatchObject({ kind: "list", mode: "view", list: LIST });
        expect(texts(list)).toEqual(["first", "second"]);
        expect(texts(await reads.listAfter(LIST.viewId, 10))).toEqual(["first", "second"]);
        expect(await reads.sized(LIST.viewId)).toMatchObject({
          kind: "list",
          mode: "view",
          list: LIST,
          read: { size: 2 },
        });
      }
    });

    test("a task and its history are read with the look, whatever list the task is on (the caller checks it)", async () => {
      const { reads } = await given(subject());
      const task = await reads.task(LIST.viewId, uuid(4));
      expect(task).toMatchObject({ kind: "list", mode: "view", list: LIST });
      const read = task.kind === "list" ? task.read : undefined;
      expect(read?.state).toMatchObject({ status: "active", task: { text: "second", listId: LIST.id } });
      expect(read?.checkpoints).toEqual(new Map([[0, LOG.length]]));
      const other = await reads.task(LIST.id, uuid(2));
      expect(other.kind === "list" && other.read.state).toMatchObject({ task: { listId: OLD_LIST } });
      const history = await reads.history(LIST.id, uuid(1), { offset: 0, limit: 10 });
      expect(history.kind === "list" && history.read.history.map((e) => e.type)).toEqual(["TaskCreated"]);
      expect(history.kind === "list" && history.read.state.status).toBe("active");
      expect(await reads.history("nobody", uuid(1), { offset: 0, limit: 10 })).toEqual({ kind: "none" });
      const unknown = await reads.history(LIST.id, uuid(99), { offset: 0, limit: 10 });
      expect(unknown.kind === "list" && unknown.read).toMatchObject({
        state: { status: "absent" },
        history: [],
      });
      const absent = await reads.task(LIST.id, uuid(99));
      expect(absent.kind === "list" && absent.read.state).toEqual({ status: "absent" });
    });

    test("a purged list: its id opens a purged list, nothing read; its view id opens nothing, seen before or not", async () => {
      const { reads, registry } = await given(subject());
      expect((await reads.list(LIST.viewId, 0, 10)).kind).toBe("list");
      expect(await registry.purge(LIST)).toBe(true);
      expect(await reads.list(LIST.id, 0, 10)).toEqual({ kind: "purged" });
      expect(await reads.sized(LIST.id)).toEqual({ kind: "purged" });
      expect(await reads.list(LIST.viewId, 0, 10)).toEqual({ kind: "none" });
      expect(await reads.listAfter(LIST.viewId, 10)).toEqual({ kind: "none" });
    });

    test("a list known by its tasks only: unlisted, its size and its read; an unknown id opens nothing", async () => {
      const { reads } = await given(subject(), false);
      const old = await reads.list(OLD_LIST, 0, 10);
      expect(old).toMatchObject({ kind: "unlisted", size: 1 });
      expect(texts(old)).toEqual(["old"]);
      expect(await reads.sized(OLD_LIST)).toMatchObject({ kind: "unlisted", size: 1, read: { size: 1 } });
      expect(await reads.open(OLD_LIST)).toEqual({ kind: "unlisted", size: 1, read: undefined });
      expect(await reads.list(LIST.id, 0, 10)).toMatchObject({ kind: "unlisted", size: 2 });
      expect(await reads.list("nobody", 0, 10)).toEqual({ kind: "none" });
      expect(await reads.listAfter(LIST.viewId, 10)).toEqual({ kind: "none" });
    });
  });
}
