/**
 * The end-of-partition search of the Redpanda adapter, over a simulated partition that answers probes as the
 * proxy's fetch does (records below the end, in whole batches; nothing at the end; out of range past it).
 */
import { describe, expect, test } from "vitest";
import { findEnd, type Probe } from "../../shared/event-log/redpanda/head";

/** A partition of `end` records in batches of `batch`, and a counter of the probes asked of it. */
function partition(end: number, batch: number) {
  let probes = 0;
  const probe = async (offset: number): Promise<Probe> => {
    probes += 1;
    if (offset > end) return { kind: "beyond" };
    if (offset === end) return { kind: "end" };
    return { kind: "below", next: Math.min(end, (Math.floor(offset / batch) + 1) * batch) };
  };
  return { probe, probes: () => probes };
}

describe("findEnd", () => {
  test("head: finds the end of every partition from 0 to 300 records, from 0 and from any start", async () => {
    for (const end of [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 100, 299, 300]) {
      for (const batch of [1, 3]) {
        for (const from of [0, Math.floor(end / 2), end, end + 1, end * 2 + 5]) {
          const p = partition(end, batch);
          expect({ end, batch, from, found: await findEnd(p.probe, from) }).toEqual({
            end,
            batch,
            from,
            found: end,
          });
        }
      }
    }
  });

  test("head: one probe when the start is the end", async () => {
    const p = partition(1234, 1);
    expect(await findEnd(p.probe, 1234)).toBe(1234);
    expect(p.probes()).toBe(1);
  });

  test("head: about 2·log2(n) probes from 0, even with one record per batch", async () => {
    for (const end of [1000, 1_000_000]) {
      const p = partition(end, 1);
      expect(await findEnd(p.probe, 0)).toBe(end);
      expect(p.probes()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(end)) + 2);
    }
  });

  test("head: a partition that grows while it is searched still yields an end it reached", async () => {
    let end = 50;
    const probe = async (offset: number): Promise<Probe> => {
      const answer: Probe =
        offset > end ? { kind: "beyond" } : offset === end ? { kind: "end" } : { kind: "below", next: end };
      end += 7;
      return answer;
    };
    const found = await findEnd(probe, 0);
    expect(found).toBeGreaterThanOrEqual(50);
    expect(found).toBeLessThanOrEqual(end);
  });
});
