import { describe, expect, test } from "vitest";
import {
  CURRENT_SCHEMA_VERSION,
  decodeEvent,
  encodeEvent,
  OLDEST_SCHEMA_VERSION,
  UPCASTERS,
} from "../../shared/domain";
import { created, envelope, renamed } from "./fixtures";

/** A record as schema version 0 wrote it: the current fields with `data` as given. */
function version0(event: Parameters<typeof envelope>[0], data: unknown): string {
  return JSON.stringify({
    ...JSON.parse(encodeEvent(envelope(event, { version: 1 }))),
    schemaVersion: 0,
    data,
  });
}

describe("upcasters", () => {
  test("upcasters: every version from the oldest to the current has an upcaster to the next", () => {
    for (let version = OLDEST_SCHEMA_VERSION; version < CURRENT_SCHEMA_VERSION; version++) {
      expect(UPCASTERS[version], `upcaster from ${version}`).toBeTypeOf("function");
    }
    expect(UPCASTERS[CURRENT_SCHEMA_VERSION]).toBeUndefined();
  });

  test("decodeEvent: a version 0 TaskCreated with {title} is read as the current TaskCreated with {text}", () => {
    expect(decodeEvent(version0(created("ignored"), { title: "Do the dishes!" }))).toEqual({
      ok: true,
      event: envelope(created("Do the dishes!"), { version: 1 }),
    });
  });

  test("decodeEvent: a version 0 event of another type passes through unchanged", () => {
    expect(decodeEvent(version0(renamed("ignored"), { text: "Dishes" }))).toEqual({
      ok: true,
      event: envelope(renamed("Dishes"), { version: 1 }),
    });
  });

  test("decodeEvent: a malformed version 0 TaskCreated is refused by the strict validation after upcasting", () => {
    expect(decodeEvent(version0(created("ignored"), { name: "Do the dishes!" }))).toEqual({
      ok: false,
      reason: "TaskCreated data has 1 unexpected field",
    });
  });

  test("decodeEvent: a version 0 TaskCreated with a non-string title is refused", () => {
    expect(decodeEvent(version0(created("ignored"), { title: 42 }))).toEqual({
      ok: false,
      reason: "TaskCreated data.text must be a string",
    });
  });
});
