/**
 * Bulk actions with the unmodified client: DLQ retry (a dead letter published again as a new message) and
 * delete by ids, by filter or all with a count; bulk cancel of pending messages by ids, by filter or all.
 * Each test works on its own labels or destination so that "all" never reaches another test's messages.
 */
import { describe, expect, it } from "vitest";
import { idOf, useQStash } from "./support/qstash-fixture";

const qstash = useQStash({
  token: "bulk-test-token",
  currentSigningKey: "sig_bulkCurrent",
  nextSigningKey: "sig_bulkNext",
  timeScale: 0.001,
});

const label = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe("dlq retry", () => {
  it("dlq.retry: publishes each chosen dead letter again as a new message and removes it from the DLQ", async () => {
    const dest = await qstash.destination();
    let healthy = false;
    dest.respond(() => (healthy ? { status: 200 } : { status: 503 }));
    const tag = label("retry");

    const original = await qstash.client.publish({
      url: `${dest.url}/again?x=1`,
      body: "again",
      retries: 0,
      label: tag,
      headers: { "X-Kept": "k" },
    });
    await qstash.emulator.idle();
    const [dead] = (await qstash.client.dlq.listMessages({ filter: { label: tag } })).messages;
    healthy = true;
    const result = await qstash.client.dlq.retry({ filter: { label: tag } });
    const [, redelivered] = await dest.waitFor("/again", 2);
    await qstash.emulator.idle();

    expect(dead?.messageId).toBe(idOf(original));
    expect(result).toEqual({ responses: [{ messageId: expect.stringMatching(/^msg_/) }], cursor: undefined });
    expect(result.responses[0]?.messageId).not.toBe(idOf(original));
    expect(redelivered?.target).toBe("/again?x=1");
    expect(redelivered?.body.toString()).toBe("again");
    expect(redelivered?.headers["x-kept"]).toBe("k");
    expect(redelivered?.headers["upstash-message-id"]).toBe(result.responses[0]?.messageId);
    expect((await qstash.client.dlq.listMessages({ filter: { label: tag } })).messages).toEqual([]);
    await expect(qstash.client.dlq.delete(dead?.dlqId ?? "")).rejects.toThrow(/not found/);
  });

  it("dlq.retry: by ids, answering one response per id in order", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 500 }));
    const tag = label("ids");
    for (const body of ["1", "2"])
      await qstash.client.publish({ url: `${dest.url}/ids`, body, retries: 0, label: tag });
    await qstash.emulator.idle();
    const dlqIds = (await qstash.client.dlq.listMessages({ filter: { label: tag } })).messages.map(
      (m) => m.dlqId,
    );

    const result = await qstash.client.dlq.retry(dlqIds);
    await qstash.emulator.idle();
    const again = (await qstash.client.dlq.listMessages({ filter: { label: tag } })).messages;

    expect(result.responses).toHaveLength(2);
    expect(again.map((m) => m.messageId).sort()).toEqual(result.responses.map((r) => r.messageId).sort());
  });
});

describe("dlq delete", () => {
  it("dlq.delete: by filter with a count deletes that many oldest first and says more remain", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 500 }));
    const tag = label("del");
    for (const body of ["1", "2", "3"]) {
      // One at a time, so that they reach the DLQ in publish order.
      await qstash.client.publish({ url: `${dest.url}/del`, body, retries: 0, label: tag });
      await qstash.emulator.idle();
    }

    const first = await qstash.client.dlq.delete({ filter: { label: tag }, count: 2 });
    const left = await qstash.client.dlq.listMessages({ filter: { label: tag } });
    const second = await qstash.client.dlq.delete({ filter: { label: tag }, cursor: first.cursor });

    expect(first).toEqual({ deleted: 2, cursor: expect.any(String) });
    expect(left.messages.map((m) => m.body)).toEqual(["3"]);
    expect(second).toEqual({ deleted: 1 });
    expect(await qstash.client.dlq.delete({ filter: { label: tag } })).toEqual({ deleted: 0 });
  });

  it("dlq.delete: by ids deletes exactly those", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 500 }));
    const tag = label("delids");
    for (const body of ["1", "2"])
      await qstash.client.publish({ url: `${dest.url}/d`, body, retries: 0, label: tag });
    await qstash.emulator.idle();
    const [one, two] = (await qstash.client.dlq.listMessages({ filter: { label: tag } })).messages;

    expect(await qstash.client.dlq.delete([one?.dlqId ?? ""])).toEqual({ deleted: 1 });
    expect((await qstash.client.dlq.listMessages({ filter: { label: tag } })).messages).toEqual([
      expect.objectContaining({ dlqId: two?.dlqId }),
    ]);
  });
});

describe("bulk cancel", () => {
  it("messages.cancel: by filter cancels only matching pending messages, up to count", async () => {
    const dest = await qstash.destination();
    const [a, b] = [label("a"), label("b")];
    const pending = async (l: string) =>
      qstash.client.publish({ url: `${dest.url}/later`, body: l, delay: "1h", label: l });
    await pending(a);
    await pending(a);
    const keep = await pending(b);

    expect(await qstash.client.messages.cancel({ filter: { label: a }, count: 1 })).toEqual({ cancelled: 1 });
    expect(await qstash.client.messages.cancel({ filter: { label: a } })).toEqual({ cancelled: 1 });
    expect(await qstash.client.messages.cancel({ filter: { label: a } })).toEqual({ cancelled: 0 });
    expect((await qstash.client.messages.get(idOf(keep))).labels).toEqual([b]);
    expect(await qstash.client.messages.cancel([idOf(keep)])).toEqual({ cancelled: 1 });
    await expect(qstash.client.messages.get(idOf(keep))).rejects.toThrow(/not found/);
  });

  it("messages.cancel: all cancels every pending message, and none is delivered", async () => {
    const dest = await qstash.destination();
    for (const body of ["1", "2"]) await qstash.client.publish({ url: `${dest.url}/x`, body, delay: "1h" });

    const result = await qstash.client.messages.cancel({ all: true });
    await qstash.emulator.idle();

    expect(result.cancelled).toBeGreaterThanOrEqual(2);
    expect(qstash.emulator.deliveries().pending).toBe(0);
    expect(dest.requests).toEqual([]);
  });
});
