/**
 * Contract tests of the QStash emulator's fan-out, driven by the unmodified `@upstash/qstash` client:
 * publishing to a URL group (one message per endpoint, an array answer) and batches (an aligned answer,
 * nested for groups), observed at a recording destination and checked with `Receiver`.
 */
import { Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { signatureOf, useQStash } from "./support/qstash-fixture";

const TOKEN = "fanout-test-token";
const CURRENT = "sig_fanoutTestCurrent0000000001";
const NEXT = "sig_fanoutTestNext000000000000002";

const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: CURRENT,
  nextSigningKey: NEXT,
  timeScale: 0.001,
});
const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

describe("publish to a URL group", () => {
  it("publish: fans out to every endpoint, answers an array and sends Upstash-Topic-Name", async () => {
    const dest = await qstash.destination();
    const group = `fanout-${Date.now()}`;
    const endpoints = [{ name: "first", url: `${dest.url}/e1?k=1` }, { url: `${dest.url}/e2` }];
    await qstash.client.urlGroups.addEndpoints({ name: group, endpoints });

    const res = await qstash.client.publish({ urlGroup: group, body: "to all" });

    expect(res).toEqual([
      { messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/e1?k=1` },
      { messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/e2` },
    ]);
    const items = Array.isArray(res) ? res : [];
    expect(items[0]?.messageId).not.toBe(items[1]?.messageId);
    const [r1] = await dest.waitFor("/e1", 1);
    const [r2] = await dest.waitFor("/e2", 1);
    for (const [req, endpoint, item] of [
      [r1, endpoints[0], items[0]],
      [r2, endpoints[1], items[1]],
    ] as const) {
      expect(req?.headers["upstash-topic-name"]).toBe(group);
      expect(req?.headers["upstash-message-id"]).toBe(item?.messageId);
      expect(req?.body.toString()).toBe("to all");
      const signature = signatureOf(req ?? { headers: {} });
      expect(await receiver.verify({ signature, body: "to all", url: endpoint?.url ?? "" })).toBe(true);
    }
  });
});

describe("batch", () => {
  it("batch: answers an aligned array, nested for a group, and delivers every item", async () => {
    const dest = await qstash.destination();
    const group = `batch-${Date.now()}`;
    await qstash.client.urlGroups.addEndpoints({
      name: group,
      endpoints: [{ url: `${dest.url}/g1` }, { url: `${dest.url}/g2` }],
    });

    const res = await qstash.client.batch([
      { url: `${dest.url}/one?q=1`, body: "a", headers: { "X-Item": "1" } },
      { urlGroup: group, body: "b" },
      { url: `${dest.url}/queued`, body: "c", queueName: `batch-queue-${Date.now()}` },
    ]);

    expect(res).toEqual([
      { messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/one?q=1` },
      [
        { messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/g1` },
        { messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/g2` },
      ],
      { messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/queued` },
    ]);
    const [one] = await dest.waitFor("/one", 1);
    expect(one?.target).toBe("/one?q=1");
    expect(one?.headers["x-item"]).toBe("1");
    expect(one?.body.toString()).toBe("a");
    expect((await dest.waitFor("/g1", 1))[0]?.body.toString()).toBe("b");
    expect((await dest.waitFor("/g2", 1))[0]?.body.toString()).toBe("b");
    expect((await dest.waitFor("/queued", 1))[0]?.body.toString()).toBe("c");
  });

  it("batchJSON: stringifies each body and sends application/json", async () => {
    const dest = await qstash.destination();

    await qstash.client.batchJSON([{ url: `${dest.url}/j`, body: { a: [1, 2] } }]);

    const [req] = await dest.waitFor("/j", 1);
    expect(req?.body.toString()).toBe('{"a":[1,2]}');
    expect(req?.headers["content-type"]).toBe("application/json");
  });
});
