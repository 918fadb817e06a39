/**
 * partitionOf places every event of a task (and of a list) in one partition, so it must never change: these specs
 * pin its hashes, and hold its fast path for ASCII keys to the UTF-8 bytes it is defined on.
 */
import { describe, expect, test } from "vitest";
import { partitionOf } from "../../shared/event-log/port";

/** FNV-1a (32 bit) over the key's UTF-8 bytes, as the port defines it. */
function reference(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

describe("partitionOf", () => {
  test("partitionOf: the hashes of a task id, a list id, non-ASCII keys and the empty key are the ones ever written", () => {
    const whole = 2 ** 32;
    expect(
      ["7a5c0f3e-0000-4000-8000-000000000001", "kitchen", "é中😀", "lone \ud800", ""].map((key) => [
        partitionOf(key, whole),
        partitionOf(key, 16),
      ]),
    ).toEqual([
      [2695455160, 8],
      [870733615, 15],
      [4047789797, 5],
      [4271292076, 12],
      [2166136261, 5],
    ]);
  });

  test("partitionOf: agrees with FNV-1a over the UTF-8 bytes on random keys, ASCII or not", () => {
    let seed = 11;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 2000; n++) {
      let key = "";
      const wide = n % 2 === 0;
      for (let i = next() % 40; i > 0; i--) key += String.fromCharCode(next() % (wide ? 0x10000 : 0x80));
      expect([key, partitionOf(key, 7)]).toEqual([key, reference(key, 7)]);
    }
  });
});
