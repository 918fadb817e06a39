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
  isSealed,
  ownPayload,
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
  /** The event id as the base64url of its 16 bytes, as a reference carries it. */
  const COMPACT = Buffer.from(EVENT.replace(/-/g, ""), "hex").toString("base64url");

  it("are compact: the mark DEL, the event id's 16 bytes in base64url and the ciphertext, which JSON writes without an escape", () => {
    const ref = sealedRef(EVENT, PAYLOAD);
    expect(COMPACT).toHaveLength(22);
    expect(ref).toBe(`\u007f${COMPACT}${PAYLOAD}`);
    expect(SEALED_MARK).toBe("\u007f");
    expect(JSON.stringify(JSON.stringify({ text: ref }))).toBe(`"{\\"text\\":\\"${ref}\\"}"`);
    expect(parseSealed(ref)).toEqual({ eventId: EVENT, payload: PAYLOAD });
  });

  it("are ASCII, one byte of UTF-8 per character, so that no stage copying a state leaves its fast path", () => {
    const ref = sealedRef(EVENT, PAYLOAD);
    expect(new TextEncoder().encode(ref)).toHaveLength(ref.length);
    expect([...ref].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
  });

  it("carry any event id and give it back", () => {
    for (let i = 0; i < 200; i++) {
      const eventId = crypto.randomUUID();
      const compact = Buffer.from(eventId.replace(/-/g, ""), "hex").toString("base64url");
      expect(sealedRef(eventId, PAYLOAD)).toBe(`${SEALED_MARK}${compact}${PAYLOAD}`);
      expect(parseSealed(sealedRef(eventId, PAYLOAD))).toEqual({ eventId, payload: PAYLOAD });
    }
  });

  it("as the projection stored them before (U+0091 and the event id's 36 characters) still open", () => {
    expect(parseSealed(`\u0091${EVENT}${PAYLOAD}`)).toEqual({ eventId: EVENT, payload: PAYLOAD });
    expect(isSealed(`\u0091${EVENT}${PAYLOAD}`)).toBe(true);
  });

  it("as the projection stored them before that (NUL, 'sealed:', the event id, ':') still open", () => {
    expect(parseSealed(`\u0000sealed:${EVENT}:${PAYLOAD}`)).toEqual({ eventId: EVENT, payload: PAYLOAD });
  });

  it.each([
    ["words", "buy milk"],
    ["a mark with no event id", `${SEALED_MARK}${PAYLOAD}`],
    ["a mark with an event id too short", `${SEALED_MARK}${COMPACT.slice(0, 21)}`],
    [
      "an event id whose last digit holds bits beyond its 16 bytes",
      `${SEALED_MARK}${COMPACT.slice(0, 21)}B${PAYLOAD}`,
    ],
    ["an event id that is not base64url", `${SEALED_MARK}${COMPACT.slice(0, 21)}+${PAYLOAD}`],
    ["a ciphertext that is not base64url", `${SEALED_MARK}${COMPACT}not base64!`],
    ["an empty ciphertext", `${SEALED_MARK}${COMPACT}`],
    ["the earlier form with no event id", `\u0091${PAYLOAD}`],
  ])("are not %s", (_, text) => {
    expect(parseSealed(text)).toBeUndefined();
  });
});

describe("ownPayload", () => {
  it("is the ciphertext of a reference sealed by the given event, and nothing for another event or an earlier form", () => {
    const ref = sealedRef(EVENT, PAYLOAD);
    expect(ownPayload(ref, EVENT)).toBe(PAYLOAD);
    expect(ownPayload(ref, TASK)).toBeUndefined();
    expect(ownPayload(`\u0091${EVENT}${PAYLOAD}`, EVENT)).toBeUndefined();
    expect(ownPayload("buy milk", EVENT)).toBeUndefined();
  });

  it("tells apart event ids that differ in any one hex digit", () => {
    const ref = sealedRef(EVENT, PAYLOAD);
    for (let i = 0; i < EVENT.length; i++) {
      if (EVENT[i] === "-") continue;
      const other = `${EVENT.slice(0, i)}${EVENT[i] === "0" ? "1" : "0"}${EVENT.slice(i + 1)}`;
      expect([i, ownPayload(ref, other)]).toEqual([i, undefined]);
    }
    expect(ownPayload(ref, EVENT.toUpperCase())).toBeUndefined();
  });
});
