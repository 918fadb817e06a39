/**
 * Contract tests of the QStash emulator's deduplication (protocol reference C.4.2), driven by the
 * unmodified `@upstash/qstash` client and raw fetch where the 202 status matters.
 */
import { Client } from "@upstash/qstash";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type RecordingDestination,
  startRecordingDestination,
} from "../../local/qstash/recording-destination";
import { type RunningQStashEmulator, startQStashEmulator } from "../../local/qstash/rest";

const TOKEN = "dedup-test-token";
const CURRENT = "sig_dedupTestCurrent00000000001";
const NEXT = "sig_dedupTestNext0000000000000002";

let emulator: RunningQStashEmulator;
let client: Client;
const destinations: RecordingDestination[] = [];

async function destination(): Promise<RecordingDestination> {
  const dest = await startRecordingDestination();
  destinations.push(dest);
  return dest;
}

beforeAll(async () => {
  emulator = await startQStashEmulator({
    port: 0,
    token: TOKEN,
    currentSigningKey: CURRENT,
    nextSigningKey: NEXT,
    timeScale: 0.001,
  });
  client = new Client({ baseUrl: emulator.url, token: TOKEN });
});

afterEach(async () => {
  await emulator.idle();
  for (const dest of destinations.splice(0)) await dest.close();
});

afterAll(async () => {
  await emulator.close();
});

describe("deduplication", () => {
  it("publish: the same Upstash-Deduplication-Id answers 202 with the first messageId and delivers once", async () => {
    const dest = await destination();
    const url = `${dest.url}/dedup`;
    const deduplicationId = `dedup-${Date.now()}`;

    const first = await client.publish({ url, body: "1", deduplicationId });
    const raw = await fetch(`${emulator.url}/v2/publish/${url}`, {
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
    await emulator.idle();
    expect(dest.requestsTo("/dedup").map((r) => r.body.toString())).toEqual(["1"]);
  });

  it("publish: content-based deduplication drops an identical publish but not a different body", async () => {
    const dest = await destination();
    const url = `${dest.url}/content`;

    const a = await client.publish({ url, body: "same", contentBasedDeduplication: true });
    const b = await client.publish({ url, body: "same", contentBasedDeduplication: true });
    const c = await client.publish({ url, body: "other", contentBasedDeduplication: true });

    expect(b).toEqual({ ...a, deduplicated: true });
    expect("messageId" in c && "messageId" in a && c.messageId !== a.messageId).toBe(true);
    await emulator.idle();
    expect(dest.requestsTo("/content").map((r) => r.body.toString())).toEqual(["same", "other"]);
  });

  it("publish: a deduplicated group publish answers 202 with each endpoint's first messageId", async () => {
    const dest = await destination();
    const group = `dedup-group-${Date.now()}`;
    await client.urlGroups.addEndpoints({
      name: group,
      endpoints: [{ url: `${dest.url}/d1` }, { url: `${dest.url}/d2` }],
    });
    const headers = { Authorization: `Bearer ${TOKEN}`, "Upstash-Deduplication-Id": "group-dedup" };

    const first = await fetch(`${emulator.url}/v2/publish/${group}`, { method: "POST", headers, body: "x" });
    const again = await fetch(`${emulator.url}/v2/publish/${group}`, { method: "POST", headers, body: "x" });

    expect(first.status).toBe(200);
    const items = (await first.json()) as Array<{ messageId: string; url: string }>;
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(items.map((i) => ({ ...i, deduplicated: true })));
    await emulator.idle();
    expect(dest.requests.length).toBe(2);
  });
});
