/**
 * Flow-control management with the unmodified client: a key's state after publishes, pause and resume
 * (a paused key holds its deliveries), pins that override the published limits until unpinned, and a
 * rate-window reset.
 */
import { describe, expect, it, vi } from "vitest";
import { useQStash } from "./support/qstash-fixture";

const qstash = useQStash({
  token: "flow-control-test-token",
  currentSigningKey: "sig_flowCurrent",
  nextSigningKey: "sig_flowNext",
  timeScale: 0.001,
});

const keyOf = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe("flow control", () => {
  it("flowControl.get: shows the latest published limits and the counts", async () => {
    const dest = await qstash.destination();
    const key = keyOf("info");

    await qstash.client.publish({
      url: `${dest.url}/i`,
      body: "x",
      flowControl: { key, parallelism: 2, rate: 7, period: "1m" },
    });
    await dest.waitFor("/i", 1);
    await qstash.emulator.idle();

    expect(await qstash.client.flowControl.get(key)).toEqual({
      flowControlKey: key,
      waitListSize: 0,
      parallelismMax: 2,
      parallelismCount: 0,
      rateMax: 7,
      rateCount: 1,
      ratePeriod: 60,
      ratePeriodStart: expect.any(Number),
      isPaused: false,
      isPinnedParallelism: false,
      isPinnedRate: false,
    });
    await qstash.client.flowControl.resetRate(key);
    expect((await qstash.client.flowControl.get(key)).rateCount).toBe(0);
    await expect(qstash.client.flowControl.get(keyOf("unknown"))).rejects.toThrow(/not found/);
  });

  it("flowControl.pause: a paused key holds its deliveries until resumed", async () => {
    const dest = await qstash.destination();
    const key = keyOf("pause");
    const flowControl = { key, parallelism: 1 };
    await qstash.client.publish({ url: `${dest.url}/p`, body: "first", flowControl });
    await dest.waitFor("/p", 1);
    await qstash.emulator.idle();

    await qstash.client.flowControl.pause(key);
    await qstash.client.publish({ url: `${dest.url}/p`, body: "held", flowControl });
    // The message reaches the key's wait list once its (immediate) due time has fired.
    const held = await vi.waitFor(async () => {
      const info = await qstash.client.flowControl.get(key);
      expect(info.waitListSize).toBe(1);
      return info;
    });
    const deliveredWhilePaused = dest.requestsTo("/p").length;
    await qstash.client.flowControl.resume(key);
    const [, released] = await dest.waitFor("/p", 2);

    expect(held).toMatchObject({ isPaused: true, waitListSize: 1 });
    expect(deliveredWhilePaused).toBe(1);
    expect(released?.body.toString()).toBe("held");
  });

  it("flowControl.pin: pinned limits win over later publishes until unpinned", async () => {
    const dest = await qstash.destination();
    const key = keyOf("pin");
    const publish = () =>
      qstash.client.publish({
        url: `${dest.url}/n`,
        body: "x",
        flowControl: { key, parallelism: 5, rate: 10 },
      });
    await publish();

    await qstash.client.flowControl.pin(key, { parallelism: 3, rate: 20, period: 120 });
    await publish();
    const pinned = await qstash.client.flowControl.get(key);
    await qstash.client.flowControl.unpin(key, { parallelism: true });
    const half = await qstash.client.flowControl.get(key);
    await qstash.client.flowControl.unpin(key, { rate: true });
    const unpinned = await qstash.client.flowControl.get(key);
    await qstash.emulator.idle();

    expect(pinned).toMatchObject({
      parallelismMax: 3,
      rateMax: 20,
      ratePeriod: 120,
      isPinnedParallelism: true,
      isPinnedRate: true,
    });
    expect(half).toMatchObject({
      parallelismMax: 5,
      rateMax: 20,
      isPinnedParallelism: false,
      isPinnedRate: true,
    });
    expect(unpinned).toMatchObject({ parallelismMax: 5, rateMax: 10, ratePeriod: 1, isPinnedRate: false });
  });
});
