/**
 * Sealed words in the log: a named list's TaskCreated / TaskRenamed / ListCreated carry `data.sealed` (ciphertext)
 * instead of words; decoding reads it as a sealed reference bound to the record's own event id, and encoding writes
 * it back byte for byte. The default list's events are untouched.
 */
import { describe, expect, it } from "vitest";
import {
  decodeRecord,
  encodeEvent,
  encodeListEvent,
  parseSealed,
  SEALED_MARK,
  sealedRef,
} from "../../shared/domain";

const EVENT = "0b6f3f4e-3c55-4f43-9a52-8c0a0f1f2e3d";
const TASK = "5d1c5d57-9f0b-4b8e-8f57-9a3c3b1b2c4d";
const LIST = "AtLRbf8fRtkvj3e1mLLy3A";
const PAYLOAD = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ";

const occurredAt = "2026-01-01T00:00:00.000Z";
const created = (data: unknown) =>
  JSON.stringify({
    eventId: EVENT,
    type: "TaskCreated",
    schemaVersion: 1,
    taskId: TASK,
    version: 1,
    occurredAt,
    data,
    metadata: {},
  });

describe("decodeRecord: sealed words", () => {
  it("reads data.sealed as a reference bound to the record's event id, and encodes it back byte for byte", () => {
    const raw = created({ sealed: PAYLOAD, listId: LIST });
    const decoded = decodeRecord(raw);
    expect(decoded.ok && decoded.event?.data).toEqual({ text: sealedRef(EVENT, PAYLOAD), listId: LIST });
    if (!decoded.ok || !decoded.event) throw new Error("not decoded");
    expect(encodeEvent(decoded.event)).toBe(raw);
  });

  it("reads a sealed ListCreated title and encodes it back byte for byte; reads ListPurged", () => {
    const list = (type: string, version: number, data: unknown) =>
      JSON.stringify({
        eventId: EVENT,
        type,
        schemaVersion: 1,
        listId: LIST,
        version,
        occurredAt,
        data,
        metadata: {},
      });
    const raw = list("ListCreated", 1, { sealed: PAYLOAD, viewId: "bNg0YjnM9zkMmLbNhgScXw" });
    const decoded = decodeRecord(raw);
    if (!decoded.ok || !decoded.list) throw new Error("not decoded");
    expect(decoded.list.data).toEqual({ title: sealedRef(EVENT, PAYLOAD), viewId: "bNg0YjnM9zkMmLbNhgScXw" });
    expect(encodeListEvent(decoded.list)).toBe(raw);
    const purged = decodeRecord(list("ListPurged", 2, {}));
    expect(purged.ok && purged.list?.type).toBe("ListPurged");
  });

  it.each([
    [
      "sealed words on the default list (it has no key)",
      { sealed: PAYLOAD },
      "TaskCreated data.sealed needs a listId",
    ],
    [
      "both text and sealed",
      { text: "x", sealed: PAYLOAD, listId: LIST },
      "TaskCreated data has both text and sealed",
    ],
    [
      "a ciphertext that is not base64url",
      { sealed: "not base64!", listId: LIST },
      "TaskCreated data.sealed must be base64url of at most 5400 characters",
    ],
    [
      "words that pose as a sealed reference",
      { text: `${SEALED_MARK}${EVENT}${PAYLOAD}` },
      "TaskCreated data.text must not start with a sealed reference's mark",
    ],
    [
      "words that pose as a sealed reference as written before",
      { text: `\u0000sealed:${EVENT}:${PAYLOAD}` },
      "TaskCreated data.text must not start with a sealed reference's mark",
    ],
  ])("refuses %s as poison", (_, data, reason) => {
    expect(decodeRecord(created(data))).toEqual({ ok: false, reason });
  });
});

describe("sealed references", () => {
  it("are compact: the mark, the event id and the ciphertext, which JSON writes without an escape", () => {
    const ref = sealedRef(EVENT, PAYLOAD);
    expect(ref).toBe(`${SEALED_MARK}${EVENT}${PAYLOAD}`);
    expect(SEALED_MARK).toHaveLength(1);
    expect(JSON.stringify(JSON.stringify({ text: ref }))).toBe(`"{\\"text\\":\\"${ref}\\"}"`);
    expect(parseSealed(ref)).toEqual({ eventId: EVENT, payload: PAYLOAD });
  });

  it("as the projection stored them before (NUL, 'sealed:', the event id, ':') still open", () => {
    expect(parseSealed(`\u0000sealed:${EVENT}:${PAYLOAD}`)).toEqual({ eventId: EVENT, payload: PAYLOAD });
  });

  it.each([
    ["words", "buy milk"],
    ["a mark with no event id", `${SEALED_MARK}${PAYLOAD}`],
    ["a ciphertext that is not base64url", `${SEALED_MARK}${EVENT}not base64!`],
    ["an empty ciphertext", `${SEALED_MARK}${EVENT}`],
  ])("are not %s", (_, text) => {
    expect(parseSealed(text)).toBeUndefined();
  });
});
