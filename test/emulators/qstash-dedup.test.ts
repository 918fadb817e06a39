/**
 * Contract tests of the QStash emulator's deduplication (docs/protocols.md#deduplication), driven by the
 * unmodified `@upstash/qstash` client and raw fetch where the 202 status matters.
 */
import { describe, expect, it } from "vitest";
import { useQStash } from "./support/qstash-fixture";

const TOKEN = "dedup-test-token";
const CURRENT = "sig_dedupTestCurrent00000000001";
const NEXT = "sig_dedupTestNext0000000000000002";

const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  timeScale: 0.001,
});

describe("deduplication", () => {
  it("publish: the same Upstash-Deduplication-Id answers 202 with the first messageId and delivers once", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/dedup`;
    const deduplicationId = `dedup-${Date.now()}`;

    const first = await qstash.client.publish({ url, body: "1", deduplicationId });
    const raw = await fetch(`${qstash.emulator.url}/v2/publish/${url}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Upstash-Deduplication-Id": deduplicationId },
      body: "2",
    });

    expect(raw.status).toBe(202);
    expect(await raw.json()).toEqual({
      messageId: "messageId" in first ? first.messageId : "",
      url,
      deduplicated: true,
    });
    await qstash.emulator.idle();
    expect(dest.requestsTo("/dedup").map((r) => r.body.toString())).toEqual(["1"]);
  });

  it("publish: content-based deduplication drops an identical publish but not a different body", async () => {
    const dest = await qstash.destination();
    const url = `${dest.url}/content`;

    const a = await qstash.client.publish({ url, body: "same", contentBasedDeduplication: true });
    const b = await qstash.client.publish({ url, body: "same", contentBasedDeduplication: true });
    const c = await qstash.client.publish({ url, body: "other", contentBasedDeduplication: true });

    expect(b).toEqual({ ...a, deduplicated: true });
    expect("messageId" in c && "messageId" in a && c.messageId !== a.messageId).toBe(true);
    await qstash.emulator.idle();
    expect(dest.requestsTo("/content").map((r) => r.body.toString())).toEqual(["same", "other"]);
  });

  it("publish: a deduplicated group publish answers 202 with each endpoint's first messageId", async () => {
    const dest = await qstash.destination();
    const group = `dedup-group-${Date.now()}`;
    await qstash.client.urlGroups.addEndpoints({
      name: group,
      endpoints: [{ url: `${dest.url}/d1` }, { url: `${dest.url}/d2` }],
    });
    const headers = { Authorization: `Bearer ${TOKEN}`, "Upstash-Deduplication-Id": "group-dedup" };

    const first = await fetch(`${qstash.emulator.url}/v2/publish/${group}`, {
      method: "POST",
      headers,
      body: "x",
    });
    const again = await fetch(`${qstash.emulator.url}/v2/publish/${group}`, {
      method: "POST",
      headers,
      body: "x",
    });

    expect(first.status).toBe(200);
    const items = (await first.json()) as Array<{ messageId: string; url: string }>;
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(items.map((i) => ({ ...i, deduplicated: true })));
    await qstash.emulator.idle();
    expect(dest.requests.length).toBe(2);
  });
});
