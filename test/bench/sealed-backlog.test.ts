/**
 * The sealing scenario's backlogs are what the command worker would have appended: a sealed list's records carry
 * only ciphertext, bound to their own event, that opens with the list's key to the words; a named clear list's carry
 * its listId and the words; the default list's stay as they always were.
 */
import { describe, expect, it } from "vitest";
import { buildBacklog, buildSealedBacklog } from "../../bench/backlog";
import { decodeEvent, parseSealed } from "../../shared/domain";
import { listCipher, mintDataKey } from "../../shared/lists/cipher";

const LIST = "AAAAAAAAAAAAAAAAAAAAAA";

function events(records: ReadonlyArray<{ value: string }>) {
  return records.map((r) => {
    const decoded = decodeEvent(r.value);
    if (!decoded.ok) throw new Error(decoded.reason);
    return decoded.event;
  });
}

describe("bench backlogs", () => {
  it("buildSealedBacklog: every text sealed under the list's key, bound to its event, none in the clear", async () => {
    const key = mintDataKey();
    const records = await buildSealedBacklog({ events: 10, updateEvery: 5 }, "secret", { id: LIST, key });

    expect(records.some((r) => r.value.includes("secret"))).toBe(false);
    const decoded = events(records);
    const created = decoded.filter((e) => e.type === "TaskCreated");
    expect(created).toHaveLength(8);
    expect(decoded.filter((e) => e.type === "TaskCompleted")).toHaveLength(2);
    const cipher = listCipher(key);
    for (const event of created) {
      if (event.type !== "TaskCreated") continue;
      expect(event.data.listId).toBe(LIST);
      expect(parseSealed(event.data.text)?.eventId).toBe(event.eventId);
      expect(await cipher.open(event.data.text)).toMatch(/^secret task \d+$/);
    }
  });

  it("buildBacklog: on a named list when given its id, in the clear; the default list's records carry no listId", () => {
    const named = events(buildBacklog("ours", { events: 3 }, "words", LIST));
    const plain = events(buildBacklog("ours", { events: 3 }, "words"));

    expect(named.map((e) => e.type === "TaskCreated" && e.data)).toEqual([
      { text: "words task 0", listId: LIST },
      { text: "words task 1", listId: LIST },
      { text: "words task 2", listId: LIST },
    ]);
    expect(plain.map((e) => e.type === "TaskCreated" && e.data)).toEqual([
      { text: "words task 0" },
      { text: "words task 1" },
      { text: "words task 2" },
    ]);
  });
});
