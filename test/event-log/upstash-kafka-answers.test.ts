/**
 * The Upstash Kafka adapter against answers a log (or a proxy in front of it) may give: a read must start at the
 * offset asked and be contiguous, or it is an error (a silent gap would let the projector skip events); an append
 * answered 5xx, 408 or with an unusable 2xx after the log stored it is an unknown outcome, and only a 4xx is a refusal.
 * The proxy is a real HTTP hop in front of the Kafka emulator that rewrites the fetch answers it forwards.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UpstreamError, UpstreamUnknownOutcomeError } from "../../shared/errors";
import { LogGapError } from "../../shared/event-log/contiguous";
import type { EventLog } from "../../shared/event-log/port";
import { createUpstashKafkaEventLog } from "../../shared/event-log/upstash-kafka/event-log";
import { useKafka } from "../emulators/support/kafka-fixture";

const USERNAME = "answers";
const PASSWORD = "answers-password";
const local = useKafka({ name: "kafka-adapter-answers", username: USERNAME, password: PASSWORD });

type Message = { offset: number } & Record<string, unknown>;
/** How the proxy rewrites the next fetch answers (identity by default). */
let rewrite: (messages: Message[]) => Message[] = (m) => m;
let proxy: Server;
let proxyUrl: string;

beforeAll(async () => {
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${local.emulator.url}${req.url}`, {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? "", "content-type": "application/json" },
      body: Buffer.concat(chunks),
    });
    let body = await upstream.text();
    if (req.url === "/fetch" && upstream.ok) body = JSON.stringify(rewrite(JSON.parse(body) as Message[]));
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

let n = 0;
function logOf(url: string): EventLog {
  return createUpstashKafkaEventLog({
    url,
    username: USERNAME,
    password: PASSWORD,
    topic: `answers-${Date.now()}-${++n}`,
    partitions: 1,
    timeoutMs: 2000,
  });
}

/** A log behind the proxy with five records, offsets 0 to 4. */
async function fiveRecords(): Promise<EventLog> {
  const log = logOf(proxyUrl);
  await log.append("k", ["a", "b", "c", "d", "e"]);
  return log;
}

beforeEach(() => {
  rewrite = (m) => m;
  local.emulator.faults.clear();
});

describe("read", () => {
  it("read: answers the records from the offset asked, in order, at most `limit`", async () => {
    const log = await fiveRecords();

    const records = await log.read(0, 1, { limit: 3 });

    expect(records.map((r) => [r.offset, r.value])).toEqual([
      [1, "b"],
      [2, "c"],
      [3, "d"],
    ]);
  });

  it("read: records below the offset asked (a whole batch) are dropped, and the rest is kept", async () => {
    const log = await fiveRecords();
    // As Redpanda's proxy does: the batch holding offset 2 comes whole, from offset 0.
    rewrite = (messages) => [...(messages[0] ? [{ ...messages[0], offset: 0 }] : []), ...messages];

    const records = await log.read(0, 2);

    expect(records.map((r) => r.offset)).toEqual([2, 3, 4]);
  });

  it("read: an answer that starts after the offset asked is an error, not a silent skip", async () => {
    const log = await fiveRecords();
    rewrite = (messages) => messages.slice(1);

    await expect(log.read(0, 1)).rejects.toThrow(
      "kafka: fetch from offset 1 answered offsets 2 to 4 with 1 missing (offset 1): the records must start at the offset asked, one after another",
    );
  });

  it("read: an answer with a gap is an error", async () => {
    const log = await fiveRecords();
    rewrite = (messages) => messages.filter((m) => m.offset !== 2);

    await expect(log.read(0, 0)).rejects.toThrow(
      "kafka: fetch from offset 0 answered offsets 0 to 4 with 1 missing (offset 2): the records must start at the offset asked, one after another",
    );
    // The records before the gap come with the error: a fold takes them and stops at offset 2.
    const error = await log.read(0, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogGapError);
    expect((error as LogGapError).before.map((r) => r.offset)).toEqual([0, 1]);
  });

  it("read: an answer with one offset twice is an error", async () => {
    const log = await fiveRecords();
    rewrite = (messages) => [...messages, ...messages.slice(-1)];

    await expect(log.read(0, 0)).rejects.toThrow(
      /fetch from offset 0 answered offsets 0 to 4 with one twice/,
    );
  });
});

describe("append", () => {
  it.each([502, 500, 504, 408])(
    "append: a %i after the log stored the records is an unknown outcome",
    async (status) => {
      const log = logOf(local.emulator.url);
      local.emulator.faults.add({ kind: "fail-after", count: 1, status, ms: 0, path: "/produce" });

      const append = log.append("k", ["stored"]);

      await expect(append).rejects.toBeInstanceOf(UpstreamUnknownOutcomeError);
      expect((await log.read(0, 0)).map((r) => r.value)).toEqual(["stored"]);
    },
  );

  it("append: a 2xx whose body is not an acknowledgement is an unknown outcome", async () => {
    const log = logOf(local.emulator.url);
    local.emulator.faults.add({ kind: "fail-after", count: 1, status: 200, ms: 0, path: "/produce" });

    await expect(log.append("k", ["stored"])).rejects.toBeInstanceOf(UpstreamUnknownOutcomeError);
  });

  it.each([400, 401, 413, 429])("append: a %i is a refusal", async (status) => {
    const log = logOf(local.emulator.url);
    local.emulator.faults.add({ kind: "fail", count: 1, status, ms: 0, path: "/produce" });

    const append = log.append("k", ["refused"]);

    await expect(append).rejects.toThrow(UpstreamError);
    await expect(append).rejects.not.toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect(await log.head(0)).toBe(0);
  });
});
