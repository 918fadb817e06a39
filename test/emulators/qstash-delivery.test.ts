/**
 * Contract tests of the QStash emulator's delivery engine with the unmodified `@upstash/qstash` client:
 * retries with `Upstash-Retried` and fresh signatures, the DLQ, non-retryable 489, `Retry-After`, flow
 * control and FIFO queues. Time scale 0.001 turns Upstash's backoff of seconds into milliseconds.
 */
import { Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { idOf, useQStash } from "./support/qstash-fixture";

const TOKEN = "delivery-test-token";
const CURRENT = "sig_deliveryTestCurrent0000001";
const NEXT = "sig_deliveryTestNext000000000002";

const logLines: string[] = [];
const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  timeScale: 0.001,
  log: (line) => logLines.push(line),
});
const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

async function eventsOf(messageId: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${qstash.emulator.url}/v2/events?messageId=${messageId}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  const { events } = (await res.json()) as { events: Array<Record<string, unknown>> };
  return events.reverse();
}

describe("retries", () => {
  it("delivery: retries a failing destination with Upstash-Retried 0, 1, 2 and a fresh valid signature each time", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/flaky`;
    dest.respond((_req, i) => (i < 2 ? { status: 500, body: "not yet" } : { status: 200 }));

    const res = await qstash.client.publish({ url, body: "retry me" });
    const attempts = await dest.waitFor("/flaky", 3);
    await qstash.emulator.idle();

    expect(attempts.map((r) => r.headers["upstash-retried"])).toEqual(["0", "1", "2"]);
    expect(new Set(attempts.map((r) => r.headers["upstash-message-id"]))).toEqual(new Set([idOf(res)]));
    const signatures = attempts.map((r) => String(r.headers["upstash-signature"]));
    expect(new Set(signatures).size).toBe(3);
    for (const signature of signatures) {
      expect(await receiver.verify({ signature, body: "retry me", url })).toBe(true);
    }
    expect(dest.requestsTo("/flaky")).toHaveLength(3);
    expect((await eventsOf(idOf(res))).map((e) => e.state)).toEqual([
      "CREATED",
      "ACTIVE",
      "RETRY",
      "ACTIVE",
      "RETRY",
      "ACTIVE",
      "DELIVERED",
    ]);
    expect(logLines.filter((l) => l.includes(idOf(res)))).toEqual([
      expect.stringMatching(/attempt 1\/4 POST .*\/flaky -> 500 in \d+ ms; retry in 12 ms$/),
      expect.stringMatching(/attempt 2\/4 POST .*\/flaky -> 500 in \d+ ms; retry in 148 ms$/),
      expect.stringMatching(/attempt 3\/4 POST .*\/flaky -> 200 in \d+ ms$/),
    ]);
  });

  it("delivery: after the last retry the message lands in the DLQ, listed and deletable", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/down`;
    dest.respond(() => ({ status: 503, body: "down for good" }));

    const res = await qstash.client.publish({
      url,
      body: "doomed",
      retries: 2,
      retryDelay: "pow(2, retried) * 10",
    });
    await dest.waitFor("/down", 3);
    await qstash.emulator.idle();
    const { messages } = await qstash.client.dlq.listMessages();
    const entry = messages.find((m) => m.messageId === idOf(res));

    expect(dest.requestsTo("/down").map((r) => r.headers["upstash-retried"])).toEqual(["0", "1", "2"]);
    expect(entry).toMatchObject({
      messageId: idOf(res),
      url,
      method: "POST",
      body: "doomed",
      maxRetries: 2,
      retryDelayExpression: "pow(2, retried) * 10",
      responseStatus: 503,
      responseBody: "down for good",
      dlqId: expect.any(String),
    });
    await qstash.client.dlq.delete(entry?.dlqId ?? "");
    const after = await qstash.client.dlq.listMessages();
    expect(after.messages.find((m) => m.messageId === idOf(res))).toBeUndefined();
  });

  it("delivery: 489 with Upstash-NonRetryable-Error: true goes to the DLQ without a retry", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/reject`;
    dest.respond(() => ({ status: 489, headers: { "Upstash-NonRetryable-Error": "true" }, body: "never" }));

    const res = await qstash.client.publish({ url, body: "x", retries: 5 });
    await dest.waitFor("/reject", 1);
    await qstash.emulator.idle();
    const { messages } = await qstash.client.dlq.listMessages();

    expect(dest.requestsTo("/reject")).toHaveLength(1);
    expect(messages.find((m) => m.messageId === idOf(res))).toMatchObject({
      responseStatus: 489,
      responseBody: "never",
    });
  });

  it("delivery: a Retry-After answer sets the next attempt's time (time-scaled) instead of the backoff", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/busy`;
    dest.respond((_req, i) =>
      i === 0 ? { status: 429, headers: { "Retry-After": "100" } } : { status: 200 },
    );

    const res = await qstash.client.publish({ url, body: "x" });
    await dest.waitFor("/busy", 2);
    await qstash.emulator.idle();
    const retry = (await eventsOf(idOf(res))).find((e) => e.state === "RETRY");

    // 100 s at time scale 0.001 is 100 ms; the default first backoff would be 12 ms. The event's time is the
    // instant the wait was computed from, so the difference is exact.
    expect(Number(retry?.nextDeliveryTime) - Number(retry?.time)).toBe(100);
    expect(retry).toMatchObject({ responseStatus: 429, retried: 0 });
  });

  it("delivery: a destination slower than Upstash-Timeout counts as a failure and is retried", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/slow`;
    dest.respond((_req, i) => (i === 0 ? { status: 200, delayMs: 1500 } : { status: 200 }));

    const res = await qstash.client.publish({ url, body: "x", timeout: "1s", retries: 1 });
    await dest.waitFor("/slow", 2);
    await qstash.emulator.idle();

    const states = (await eventsOf(idOf(res))).map((e) => [e.state, e.error]);
    expect(states).toEqual([
      ["CREATED", undefined],
      ["ACTIVE", undefined],
      ["RETRY", "no response within 1000 ms"],
      ["ACTIVE", undefined],
      ["DELIVERED", undefined],
    ]);
  });
});

describe("ordering and flow control", () => {
  it("flow control: parallelism 1 never has two deliveries of the same key in flight", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 200, delayMs: 20 }));
    const flowControl = { key: `fc-${Date.now()}`, parallelism: 1 };

    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        qstash.client.publish({ url: `${dest.url}/fc`, body: String(i), flowControl }),
      ),
    );
    await dest.waitFor("/fc", 6);
    await qstash.emulator.idle();

    expect(dest.maxConcurrent("/fc")).toBe(1);
    expect(
      dest
        .requestsTo("/fc")
        .map((r) => r.body.toString())
        .sort(),
    ).toEqual(["0", "1", "2", "3", "4", "5"]);
  });

  it("enqueue: a queue delivers first in, first out, one at a time", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 200, delayMs: 10 }));
    const queue = qstash.client.queue({ queueName: `fifo-${Date.now()}` });

    for (let i = 0; i < 5; i++) await queue.enqueue({ url: `${dest.url}/fifo`, body: String(i) });
    await dest.waitFor("/fifo", 5);
    await qstash.emulator.idle();

    expect(dest.requestsTo("/fifo").map((r) => r.body.toString())).toEqual(["0", "1", "2", "3", "4"]);
    expect(dest.maxConcurrent("/fifo")).toBe(1);
  });

  it("idle: resolves only once every delivery has settled", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 200, delayMs: 50 }));

    await qstash.client.publish({ url: `${dest.url}/idle`, body: "x" });
    await qstash.emulator.idle();

    expect(dest.requestsTo("/idle")).toHaveLength(1);
    expect(qstash.emulator.deliveries()).toMatchObject({ pending: 0, inFlight: 0 });
  });
});
