/**
 * Callbacks with the unmodified client: `callback` receives every attempt's outcome and `failureCallback`
 * the dead letter, each as a new message that is signed as QStash signs any delivery (verified with
 * `Receiver` against the callback URL) and carries the documented JSON body.
 */
import { Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { idOf, useQStash } from "./support/qstash-fixture";

const CURRENT = "sig_callbacksCurrent";
const NEXT = "sig_callbacksNext";
const qstash = useQStash({
  token: "callbacks-test-token",
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  timeScale: 0.001,
});
const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("callbacks", () => {
  it("callback: every attempt's outcome is published, signed, to the callback URL", async () => {
    const dest = await qstash.destination();
    dest.respond(
      (_req, i) => (i === 0 ? { status: 500, body: "not yet" } : { status: 201, body: "done" }),
      "/work",
    );
    const callback = `${dest.url}/cb?run=1`;

    const res = await qstash.client.publish({
      url: `${dest.url}/work`,
      body: "job",
      headers: { "X-Job": "7" },
      callback,
      label: "jobs",
    });
    const calls = await dest.waitFor("/cb", 2);
    await qstash.emulator.idle();

    for (const call of calls) {
      const body = call.body.toString();
      expect(
        await receiver.verify({ signature: String(call.headers["upstash-signature"]), body, url: callback }),
      ).toBe(true);
      expect(call.headers["content-type"]).toBe("application/json");
      expect(call.headers["upstash-message-id"]).not.toBe(idOf(res));
    }
    // Each callback is its own message, so the two may arrive in either order.
    const bodies = calls
      .map((c) => JSON.parse(c.body.toString()) as Record<string, unknown>)
      .sort((a, b) => Number(a.retried) - Number(b.retried));
    expect(bodies.map((b) => [b.status, b.body, b.retried])).toEqual([
      [500, b64("not yet"), 0],
      [201, b64("done"), 1],
    ]);
    expect(bodies[1]).toMatchObject({
      sourceMessageId: idOf(res),
      url: `${dest.url}/work`,
      method: "POST",
      maxRetries: 3,
      sourceBody: b64("job"),
      sourceHeader: { "X-Job": ["7"], "Content-Type": ["text/plain;charset=UTF-8"] },
      header: expect.objectContaining({ "Transfer-Encoding": ["chunked"] }),
      createdAt: expect.any(Number),
      notBefore: expect.any(Number),
    });
    expect(
      (await qstash.client.logs({ filter: { label: "jobs", url: callback } })).logs.length,
    ).toBeGreaterThan(0);
  });

  it("failureCallback: the dead letter is published, signed, with its dlqId, once retries run out", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 503, body: "down" }), "/doomed");
    const failureCallback = `${dest.url}/failed`;

    const res = await qstash.client.publish({
      url: `${dest.url}/doomed`,
      body: "d",
      retries: 1,
      failureCallback,
    });
    const [call] = await dest.waitFor("/failed", 1);
    await qstash.emulator.idle();
    const { messages } = await qstash.client.dlq.listMessages({ filter: { messageId: idOf(res) } });

    const body = call?.body.toString() ?? "";
    expect(
      await receiver.verify({
        signature: String(call?.headers["upstash-signature"]),
        body,
        url: failureCallback,
      }),
    ).toBe(true);
    expect(JSON.parse(body)).toMatchObject({
      status: 503,
      body: b64("down"),
      retried: 1,
      maxRetries: 1,
      sourceMessageId: idOf(res),
      dlqId: messages[0]?.dlqId,
    });
    expect(dest.requestsTo("/failed")).toHaveLength(1);
    expect(messages[0]).toMatchObject({ failureCallback });
  });
});
