/**
 * Filters of `GET /v2/events` (the client's `logs()`) and `GET /v2/dlq`, with the unmodified client: labels
 * are recorded and listed, repeated values match any of them, different filters must all match, and
 * host/path select by the destination. Each test filters on its own destination or labels.
 */
import { describe, expect, it } from "vitest";
import { idOf, useQStash } from "./support/qstash-fixture";

const qstash = useQStash({
  token: "filters-test-token",
  currentSigningKey: "sig_filtersCurrent",
  nextSigningKey: "sig_filtersNext",
  timeScale: 0.001,
});

const stamp = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe("events", () => {
  it("logs: a message's labels are on its events; label filters match any listed label", async () => {
    const dest = await qstash.destination();
    const [a, b, c] = [`a-${stamp()}`, `b-${stamp()}`, `c-${stamp()}`];

    const ab = await qstash.client.publish({ url: `${dest.url}/l`, body: "1", label: [a, b] });
    const bc = await qstash.client.publish({ url: `${dest.url}/l`, body: "2", label: [b, c] });
    const onlyC = await qstash.client.publish({ url: `${dest.url}/l`, body: "3", label: c });
    await qstash.emulator.idle();
    const { logs } = await qstash.client.logs({ filter: { label: [a, b], state: "DELIVERED" } });

    expect(new Set(logs.map((l) => l.messageId))).toEqual(new Set([idOf(ab), idOf(bc)]));
    expect(logs.find((l) => l.messageId === idOf(ab))).toMatchObject({ label: a, labels: [a, b] });
    expect(logs.some((l) => l.messageId === idOf(onlyC))).toBe(false);
  });

  it("logs: url, host and path filters select by destination; separate filters must all match", async () => {
    const dest = await qstash.destination();
    const other = await qstash.destination();
    const id = stamp();

    const one = await qstash.client.publish({ url: `${dest.url}/one-${id}`, body: "1" });
    const two = await qstash.client.publish({ url: `${dest.url}/two-${id}`, body: "2" });
    const elsewhere = await qstash.client.publish({ url: `${other.url}/one-${id}`, body: "3" });
    await qstash.emulator.idle();
    const ids = async (filter: Parameters<typeof qstash.client.logs>[0]) =>
      new Set((await qstash.client.logs(filter)).logs.map((l) => l.messageId));

    expect(await ids({ filter: { url: [`${dest.url}/one-${id}`, `${dest.url}/two-${id}`] } })).toEqual(
      new Set([idOf(one), idOf(two)]),
    );
    expect(await ids({ filter: { path: `/one-${id}` } })).toEqual(new Set([idOf(one), idOf(elsewhere)]));
    expect(await ids({ filter: { path: `/one-${id}`, host: new URL(other.url).host } })).toEqual(
      new Set([idOf(elsewhere)]),
    );
  });

  it("logs: Upstash-Redact-Fields hides the body and the named headers from the log, not from the delivery", async () => {
    const dest = await qstash.destination();

    const res = await qstash.client.publish({
      url: `${dest.url}/secret`,
      body: "password=hunter2",
      headers: { Authorization: "Bearer secret", "X-Visible": "yes" },
      redact: { body: true, header: ["Authorization"] },
    });
    const [req] = await dest.waitFor("/secret", 1);
    await qstash.emulator.idle();
    const { logs } = await qstash.client.logs({ filter: { messageId: idOf(res) } });

    expect(req?.body.toString()).toBe("password=hunter2");
    expect(req?.headers.authorization).toBe("Bearer secret");
    for (const log of logs) {
      expect(log.body).toBeUndefined();
      expect(log.header).toMatchObject({ Authorization: "REDACTED", "X-Visible": "yes" });
    }
  });
});

describe("dlq", () => {
  it("dlq.listMessages: label, url and flowControlKey filters match any listed value", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 500 }));
    const [a, b] = [`a-${stamp()}`, `b-${stamp()}`];
    const key = `fk-${stamp()}`;

    const first = await qstash.client.publish({ url: `${dest.url}/a`, body: "1", retries: 0, label: a });
    const second = await qstash.client.publish({
      url: `${dest.url}/b`,
      body: "2",
      retries: 0,
      label: b,
      flowControl: { key, parallelism: 1 },
    });
    await qstash.emulator.idle();
    const ids = async (filter: Record<string, unknown>) =>
      (await qstash.client.dlq.listMessages({ filter })).messages.map((m) => m.messageId).sort();

    expect(await ids({ label: [a, b] })).toEqual([idOf(first), idOf(second)].sort());
    expect(await ids({ label: a })).toEqual([idOf(first)]);
    expect(await ids({ url: `${dest.url}/b` })).toEqual([idOf(second)]);
    expect(await ids({ flowControlKey: key, label: a })).toEqual([]);
    expect(await ids({ flowControlKey: key, responseStatus: 500 })).toEqual([idOf(second)]);
  });

  it("dlq.listMessages: count pages with a cursor, and the last page has none", async () => {
    const dest = await qstash.destination();
    dest.respond(() => ({ status: 500 }));
    const label = `page-${stamp()}`;
    for (const body of ["1", "2", "3"]) {
      // One at a time, so that they reach the DLQ in publish order.
      await qstash.client.publish({ url: `${dest.url}/p`, body, retries: 0, label });
      await qstash.emulator.idle();
    }

    const first = await qstash.client.dlq.listMessages({ filter: { label }, count: 2 });
    const rest = await qstash.client.dlq.listMessages({ filter: { label }, count: 2, cursor: first.cursor });

    expect(first.messages.map((m) => m.body)).toEqual(["1", "2"]);
    expect(first.cursor).toEqual(expect.any(String));
    expect(rest.messages.map((m) => m.body)).toEqual(["3"]);
    expect(rest.cursor).toBeUndefined();
  });
});
