/**
 * The words a command worker's isolate keeps opened (workers/command/sealing.ts): found again only with the key that
 * opened them, bounded, and opened in order with the rest when a page mixes known and unknown words.
 */
import { describe, expect, it, vi } from "vitest";
import type { Task } from "../../shared/domain";
import { listCipher, mintDataKey } from "../../shared/lists/cipher";
import { cipherOfKey, openTasks } from "../../workers/command/sealing";

const NOW = "2026-12-07T00:00:00.000Z";

function task(text: string): Task {
  return { id: crypto.randomUUID(), text, done: false, createdAt: NOW, updatedAt: NOW, version: 1 };
}

/** A fresh key's cipher as the worker keeps it, and a reference of `text` sealed with that key. */
async function sealedWith(text: string) {
  const key = mintDataKey();
  const ref = await listCipher(key).seal(crypto.randomUUID(), text);
  const cipher = cipherOfKey(key);
  if (!cipher) throw new Error("a key has a cipher");
  return { key, ref, cipher };
}

describe("the words an isolate opened", () => {
  it("are known once opened, and only through the key that opened them", async () => {
    const { ref, cipher } = await sealedWith("water the plants");
    expect(cipher.known(ref)).toBeUndefined();

    expect(await cipher.open(ref)).toBe("water the plants");

    expect(cipher.known(ref)).toBe("water the plants");
    const other = cipherOfKey(mintDataKey());
    expect(other?.known(ref)).toBeUndefined();
    await expect(other?.open(ref)).rejects.toThrow();
  });

  it("are known as soon as the isolate seals them: a write answers its words without decrypting them", async () => {
    const key = mintDataKey();
    const cipher = cipherOfKey(key);
    if (!cipher) throw new Error("a key has a cipher");
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    try {
      const ref = await cipher.seal(crypto.randomUUID(), "sealed here");

      expect(cipher.known(ref)).toBe("sealed here");
      expect(await cipher.open(ref)).toBe("sealed here");
      expect(decrypt).not.toHaveBeenCalled();
      // Only with the key that sealed them.
      expect(cipherOfKey(mintDataKey())?.known(ref)).toBeUndefined();
    } finally {
      decrypt.mockRestore();
    }
  });

  it("openTasks answers every task with its words, in order, the known ones and the rest alike", async () => {
    const key = mintDataKey();
    const sealer = listCipher(key);
    const texts = ["one", "two", "three", "four", "five"];
    const refs = await Promise.all(texts.map((t) => sealer.seal(crypto.randomUUID(), t)));
    const cipher = cipherOfKey(key);
    if (!cipher) throw new Error("a key has a cipher");
    // Every other word opened before the page is read.
    for (const ref of refs.filter((_, i) => i % 2 === 0)) await cipher.open(ref);
    const tasks = refs.map(task);

    const opened = await openTasks(cipher, tasks);

    expect(opened.map((t) => t.text)).toEqual(texts);
    expect(opened.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
    // The page's tasks are left as they were: the words are in copies.
    expect(tasks.map((t) => t.text)).toEqual(refs);
  });

  it("openTasks refuses a page holding a reference that does not open, rather than answer it", async () => {
    const { ref, cipher } = await sealedWith("kept");
    const tampered = `${ref.slice(0, -2)}${ref.endsWith("AA") ? "BB" : "AA"}`;

    await expect(openTasks(cipher, [task(ref), task(tampered)])).rejects.toThrow();
  });

  it("without a cipher (words in the clear), openTasks answers the tasks themselves", async () => {
    const tasks = [task("clear words")];

    expect(await openTasks(undefined, tasks)).toBe(tasks);
  });

  it("are bounded: words opened long ago are opened again, not kept", async () => {
    const { ref, cipher } = await sealedWith("opened first");
    await cipher.open(ref);
    const key = mintDataKey();
    const busy = cipherOfKey(key);
    const busySealer = listCipher(key);
    if (!busy) throw new Error("a key has a cipher");
    // Ten thousand other words opened since: more than the isolate keeps.
    for (let i = 0; i < 10_000; i++) await busy.open(await busySealer.seal(crypto.randomUUID(), `word ${i}`));

    expect(cipher.known(ref)).toBeUndefined();
    expect(await cipher.open(ref)).toBe("opened first");
  });
});
