/**
 * The consistency waits poll with backoff: at once, then after 20, 40, 80, ... ms, up to every 500 ms, so a wait
 * of its whole bound costs a known, small number of reads. Timers are faked: the schedule is the specification.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pollsWithin, WAIT_LIMIT_MS, waitUntil } from "../../workers/command/consistency/wait";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs a wait whose check never passes; answers when each check ran, in ms from the start. */
async function checksOfAFailedWait(limitMs: number): Promise<number[]> {
  const start = Date.now();
  const at: number[] = [];
  const wait = waitUntil(async () => {
    at.push(Date.now() - start);
    return false;
  }, limitMs);
  await vi.runAllTimersAsync();
  expect(await wait).toBe(false);
  return at;
}

describe("waitUntil", () => {
  it("waitUntil: a wait of its whole bound checks 11 times, backing off from 20 ms to 500 ms", async () => {
    const at = await checksOfAFailedWait(WAIT_LIMIT_MS);

    expect(at).toEqual([0, 20, 60, 140, 300, 620, 1120, 1620, 2120, 2620, 3000]);
    expect(at).toHaveLength(pollsWithin(WAIT_LIMIT_MS));
  });

  it("waitUntil: a shorter wait ends on its bound too, with its last check at the bound", async () => {
    expect(await checksOfAFailedWait(500)).toEqual([0, 20, 60, 140, 300, 500]);
    expect(pollsWithin(500)).toBe(6);
    expect(pollsWithin(1000)).toBe(7);
  });

  it("waitUntil: a check that passes ends the wait at once", async () => {
    let checks = 0;
    const wait = waitUntil(async () => ++checks === 3);
    await vi.runAllTimersAsync();

    expect({ passed: await wait, checks }).toEqual({ passed: true, checks: 3 });
  });
});
