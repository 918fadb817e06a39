/** Lists in the domain: TaskCreated's optional listId, decided, encoded, decoded and folded. */
import { describe, expect, test } from "vitest";
import { applyEvent, decide, decodeEvent, encodeEvent, type TaskEvent } from "../../shared/domain";
import { created, createTask, envelope, TASK_ID } from "./fixtures";
import { given } from "./given";

const onList = (text: string, listId: string): TaskEvent => ({ type: "TaskCreated", data: { text, listId } });
const withList = (listId: unknown) => ({
  ...createTask(TASK_ID, "Milk"),
  data: { taskId: TASK_ID, text: "Milk", listId },
});

describe("lists: decide", () => {
  test("createTask: a listId is carried by TaskCreated", () => {
    given()
      .when(withList("kitchen_2-B") as ReturnType<typeof createTask>)
      .then([onList("Milk", "kitchen_2-B")]);
  });

  test("createTask: no listId (or null) writes TaskCreated exactly as before lists existed", () => {
    for (const listId of [undefined, null]) {
      const result = decide(withList(listId) as ReturnType<typeof createTask>, { status: "absent" });
      expect(result).toEqual({ ok: true, events: [created("Milk")] });
      expect(result.ok && Object.keys(result.events[0]?.data ?? {})).toEqual(["text"]);
    }
  });

  test.each(["", "a".repeat(65), "has space", "slash/", "ünïcode", 42])(
    "createTask: listId %j is BAD_USER_INPUT",
    (listId) => {
      given()
        .when(withList(listId) as ReturnType<typeof createTask>)
        .then({
          code: "BAD_USER_INPUT",
          field: "listId",
          message: "listId must be 1-64 characters of A-Z a-z 0-9 _ -",
        });
    },
  );
});

describe("lists: envelopes", () => {
  test("decodeEvent: reads back a TaskCreated with a listId", () => {
    const original = envelope(onList("Milk", "abc"), { version: 1 });
    expect(decodeEvent(encodeEvent(original))).toEqual({ ok: true, event: original });
  });

  test("decodeEvent: a TaskCreated with a malformed listId is poison", () => {
    const raw = encodeEvent(envelope(onList("Milk", "abc"), { version: 1 })).replace('"abc"', '"a b"');
    expect(decodeEvent(raw)).toEqual({
      ok: false,
      reason: "TaskCreated data.listId must be 1-64 characters of A-Z a-z 0-9 _ -",
    });
  });

  test("decodeEvent: only TaskCreated may carry a listId", () => {
    const raw = encodeEvent(envelope({ type: "TaskRenamed", data: { text: "x" } }, { version: 2 })).replace(
      '{"text":"x"}',
      '{"text":"x","listId":"abc"}',
    );
    expect(decodeEvent(raw)).toEqual({
      ok: false,
      reason: "TaskRenamed data has 1 unexpected field",
    });
  });

  test("applyEvent: the task remembers its list; a default-list task has no listId at all", () => {
    const named = applyEvent({ status: "absent" }, envelope(onList("Milk", "abc"), { version: 1 }));
    const plain = applyEvent({ status: "absent" }, envelope(created("Milk"), { version: 1 }));
    expect(named.state.status === "active" && named.state.task.listId).toBe("abc");
    expect(plain.state.status === "active" && Object.hasOwn(plain.state.task, "listId")).toBe(false);
  });
});
