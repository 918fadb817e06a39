/**
 * Contract tests of the QStash emulator's publishing to a URL, driven by the unmodified `@upstash/qstash`
 * client: publish and publishJSON (body, content type and query string exact), methods, forwarded headers
 * and delays, each observed at a recording destination and checked with `Receiver`.
 */
import { createHash } from "node:crypto";
import { Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { signatureOf, useQStash } from "./support/qstash-fixture";

const TOKEN = "publish-test-token";
const CURRENT = "sig_publishTestCurrent000000001";
const NEXT = "sig_publishTestNext00000000000002";

const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  timeScale: 0.001,
});
const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

describe("publish to a URL", () => {
  it("publish: answers {messageId, url} and delivers the body, content type and query string unchanged", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/hooks//in?x=1&y=two&empty=&enc=a%20b`;
    const body = "héllo ✓ world";

    const res = await qstash.client.publish({
      url,
      body,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });

    expect(res).toEqual({ messageId: expect.stringMatching(/^msg_/), url });
    const [req] = await dest.waitFor("/hooks//in", 1);
    expect(req?.method).toBe("POST");
    expect(req?.target).toBe("/hooks//in?x=1&y=two&empty=&enc=a%20b");
    expect(req?.body.toString("utf8")).toBe(body);
    expect(req?.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(req?.headers["upstash-message-id"]).toBe(res.messageId);
    expect(await receiver.verify({ signature: signatureOf(req ?? { headers: {} }), body, url })).toBe(true);
  });

  it("publishJSON: delivers JSON.stringify(body) as application/json", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/json`;

    const res = await qstash.client.publishJSON({
      url,
      body: { hello: "world", n: 1, nested: { ok: true } },
    });

    expect(res).toEqual({ messageId: expect.stringMatching(/^msg_/), url });
    const [req] = await dest.waitFor("/json", 1);
    expect(req?.body.toString("utf8")).toBe('{"hello":"world","n":1,"nested":{"ok":true}}');
    expect(req?.headers["content-type"]).toBe("application/json");
  });

  it("publish: delivers non-UTF-8 bytes unchanged and signs their hash", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/bytes`;
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);

    const res = await fetch(`${qstash.emulator.url}/v2/publish/${url}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/octet-stream" },
      body: bytes,
    });

    expect(res.status).toBe(200);
    const [req] = await dest.waitFor("/bytes", 1);
    expect(req?.body.equals(bytes)).toBe(true);
    const payload = signatureOf(req ?? { headers: {} }).split(".")[1] ?? "";
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      body: string;
      sub: string;
    };
    expect(claims.sub).toBe(url);
    expect(claims.body.replace(/=+$/, "")).toBe(createHash("sha256").update(bytes).digest("base64url"));
  });

  it("publish: Upstash-Method GET delivers with GET and no body", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/get?id=7`;

    await qstash.client.publish({ url, method: "GET", body: "ignored" });

    const [req] = await dest.waitFor("/get", 1);
    expect(req?.method).toBe("GET");
    expect(req?.body.length).toBe(0);
    expect(req?.headers["content-length"]).toBeUndefined();
  });

  it("publish: forwards Upstash-Forward-* headers with the prefix stripped and no other Upstash-* header", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/forward`;

    const res = await qstash.client.publish({
      url,
      body: "f",
      headers: { "X-Custom": "c", Authorization: "Bearer for-the-destination", "Content-Type": "text/plain" },
      method: "PUT",
      retries: 2,
      timeout: "10s",
      label: "l1",
      deduplicationId: `forward-${Date.now()}`,
    });

    const [req] = await dest.waitFor("/forward", 1);
    expect(req?.method).toBe("PUT");
    expect(req?.headers).toEqual({
      host: dest.url.replace("http://", ""),
      connection: "keep-alive",
      "content-length": "1",
      "x-custom": "c",
      authorization: "Bearer for-the-destination",
      "content-type": "text/plain",
      "user-agent": "Upstash-QStash",
      "upstash-message-id": "messageId" in res ? res.messageId : "",
      "upstash-retried": "0",
      "upstash-signature": expect.any(String),
    });
  });
});

describe("delay", () => {
  it("publish: Upstash-Delay holds the message as asked (not time-scaled), readable via messages.get until delivered", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/later`;

    // The emulator runs at time scale 0.001: that shortens retry backoff, never an explicit delay.
    const res = await qstash.client.publish({ url, body: "later", delay: 1 });
    const messageId = "messageId" in res ? res.messageId : "";
    const pending = await qstash.client.messages.get(messageId);

    expect(pending.notBefore).toBe(pending.createdAt + 1000);
    expect(pending).toMatchObject({ messageId, url, method: "POST", body: "later", maxRetries: 3 });
    const [req] = await dest.waitFor("/later", 1);
    // Timers may fire within a millisecond of their due time, hence the small allowance.
    expect(req?.receivedAt).toBeGreaterThanOrEqual((pending.notBefore ?? 0) - 2);
    await qstash.emulator.idle();
    await expect(qstash.client.messages.get(messageId)).rejects.toThrow(/not found/);
  });

  it("publish: Upstash-Not-Before is honoured as asked (unix seconds, not time-scaled)", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/at`;
    const at = Math.floor(Date.now() / 1000) + 2;

    const res = await qstash.client.publish({ url, body: "at", notBefore: at });
    const pending = await qstash.client.messages.get("messageId" in res ? res.messageId : "");

    expect(pending.notBefore).toBe(at * 1000);
    const [req] = await dest.waitFor("/at", 1);
    expect(req?.receivedAt).toBeGreaterThanOrEqual(at * 1000 - 2);
  });

  it("publish: Upstash-Not-Before overrides Upstash-Delay (a past time delivers at once)", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/not-before`;

    await qstash.client.publish({
      url,
      body: "now",
      delay: "1d",
      notBefore: Math.floor(Date.now() / 1000) - 60,
    });

    // Held for the delay, this would take 86.4 s even at time scale 0.001, far past waitFor's 10 s.
    const [req] = await dest.waitFor("/not-before", 1);
    expect(req?.body.toString()).toBe("now");
  });
});
