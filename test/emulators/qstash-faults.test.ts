/**
 * Delivery fault injection of the QStash emulator (`/__emulator/delivery-faults`): drop, duplicate and
 * delay the next deliveries, scoped to each test's own destination by `urlPrefix`.
 */
import { Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { idOf, useQStash } from "./support/qstash-fixture";

const TOKEN = "faults-test-token";
const CURRENT = "sig_faultsTestCurrent000000001";
const NEXT = "sig_faultsTestNext00000000000002";

const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  timeScale: 0.001,
  cleanUp: async () => {
    await admin("DELETE", "delivery-faults");
  },
});

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${qstash.emulator.url}/__emulator/${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

describe("delivery faults", () => {
  it("delivery-faults: drop loses the next delivery without retry, records it, and spares the one after", async () => {
    const dest = await qstash.destination();
    const before = qstash.emulator.deliveries();

    const added = await admin("POST", "delivery-faults", { kind: "drop", urlPrefix: dest.url });
    const lost = await qstash.client.publish({ url: `${dest.url}/drop`, body: "lost" });
    await qstash.emulator.idle();
    const kept = await qstash.client.publish({ url: `${dest.url}/drop`, body: "kept" });
    await dest.waitFor("/drop", 1);
    await qstash.emulator.idle();
    const events = await fetch(`${qstash.emulator.url}/v2/events?messageId=${idOf(lost)}&state=DROPPED`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });

    expect(added).toEqual({
      status: 200,
      body: { fault: { id: expect.any(Number), kind: "drop", count: 1, ms: 0, urlPrefix: dest.url } },
    });
    expect(dest.requestsTo("/drop").map((r) => [r.body.toString(), r.headers["upstash-message-id"]])).toEqual(
      [["kept", idOf(kept)]],
    );
    expect(await events.json()).toEqual({
      events: [
        {
          time: expect.any(Number),
          state: "DROPPED",
          messageId: idOf(lost),
          url: `${dest.url}/drop`,
          header: { "Content-Type": "text/plain;charset=UTF-8" },
          body: Buffer.from("lost").toString("base64"),
          retried: 0,
          error: "dropped by an injected delivery fault",
        },
      ],
    });
    expect(qstash.emulator.deliveries().dropped - before.dropped).toBe(1);
  });

  it("delivery-faults: duplicate delivers the message twice, each copy validly signed", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/dup`;
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

    await admin("POST", "delivery-faults", { kind: "duplicate", urlPrefix: dest.url });
    const res = await qstash.client.publish({ url, body: "twice" });
    const copies = await dest.waitFor("/dup", 2);
    await qstash.emulator.idle();

    expect(copies.map((r) => r.headers["upstash-message-id"])).toEqual([idOf(res), idOf(res)]);
    expect(copies[0]?.headers["upstash-signature"]).not.toBe(copies[1]?.headers["upstash-signature"]);
    for (const copy of copies) {
      const signature = String(copy.headers["upstash-signature"]);
      expect(await receiver.verify({ signature, body: "twice", url })).toBe(true);
    }
    expect(dest.requestsTo("/dup")).toHaveLength(2);
  });

  it("delivery-faults: delay holds the delivery for ms before making it", async () => {
    const dest = await qstash.destination();

    await admin("POST", "delivery-faults", { kind: "delay", ms: 300, urlPrefix: dest.url });
    const publishedAt = Date.now();
    await qstash.client.publish({ url: `${dest.url}/held`, body: "late" });
    const [req] = await dest.waitFor("/held", 1);

    expect(req?.receivedAt).toBeGreaterThanOrEqual(publishedAt + 300);
    expect(req?.body.toString()).toBe("late");
  });

  it("delivery-faults: GET lists pending faults and DELETE clears them", async () => {
    await admin("POST", "delivery-faults", { kind: "drop", count: 3, urlPrefix: "http://nowhere.invalid" });

    const listed = await admin("GET", "delivery-faults");
    const cleared = await admin("DELETE", "delivery-faults");
    const after = await admin("GET", "delivery-faults");

    expect(listed).toEqual({
      status: 200,
      body: {
        faults: [
          { id: expect.any(Number), kind: "drop", count: 3, ms: 0, urlPrefix: "http://nowhere.invalid" },
        ],
      },
    });
    expect(cleared).toEqual({ status: 200, body: { cleared: true } });
    expect(after).toEqual({ status: 200, body: { faults: [] } });
  });

  it("delivery-faults: an unknown kind is refused with 400", async () => {
    const res = await admin("POST", "delivery-faults", { kind: "explode" });

    expect(res).toEqual({
      status: 400,
      body: { error: "invalid delivery fault: kind must be one of drop, duplicate, delay", status: 400 },
    });
  });

  it("deliveries: summarises attempts, successes, failures and pending work", async () => {
    const dest = await qstash.destination();
    dest.respond((_req, i) => (i === 0 ? { status: 500 } : { status: 204 }));
    const before = qstash.emulator.deliveries();

    await qstash.client.publish({ url: `${dest.url}/count`, body: "x" });
    await dest.waitFor("/count", 2);
    await qstash.emulator.idle();
    const summary = await admin("GET", "deliveries");

    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      ...before,
      attempts: before.attempts + 2,
      successes: before.successes + 1,
      failures: before.failures + 1,
      pending: 0,
      inFlight: 0,
    });
  });

  it("faults: the shared request faults apply to the QStash API itself", async () => {
    await admin("POST", "faults", { kind: "fail", status: 503, path: "/v2/topics" });

    await expect(qstash.client.urlGroups.list()).rejects.toThrow(/injected fault/);
    await expect(qstash.client.urlGroups.list()).resolves.toEqual(expect.any(Array));
  });
});
