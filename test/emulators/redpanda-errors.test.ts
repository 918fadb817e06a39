/**
 * Error answers of the Redpanda HTTP Proxy emulator: every one is `{"error_code","message"}` as pandaproxy
 * words it (src/v/pandaproxy/reply.h, error.cc, parsing/httpd.h), with the HTTP status the code implies, and
 * bad input stores nothing. Also the shell's counters and injected faults in the same shape.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  type Answer,
  BINARY,
  b64,
  basicAuth,
  JSON_FORMAT,
  useRedpanda,
  V2,
} from "./support/redpanda-fixture";

const USER = "redpanda-errors-user";
const PASS = "redpanda-errors-pass";
const proxy = useRedpanda({ name: "redpanda-errors", username: USER, password: PASS });
const { client } = proxy;

const unique = (name: string) => `${name}-${randomUUID()}`;
const error = (status: number, code: number, message: string): Answer => ({
  status,
  contentType: V2,
  body: { error_code: code, message },
});

async function raw(path: string, headers: Record<string, string>, method = "GET"): Promise<Answer> {
  const res = await fetch(`${proxy.emulator.url}${path}`, { method, headers });
  return { status: res.status, contentType: res.headers.get("content-type"), body: await res.json() };
}

/** What a topic holds, read from offset 0 (an unknown topic reads as the 404 answer). */
async function contents(topic: string): Promise<unknown> {
  return (await client.fetchRecords(topic, 0, 0)).body;
}

describe("authentication", () => {
  test("any route: no Authorization header is 401 with code 40101", async () => {
    expect(await raw("/topics", {})).toEqual(error(401, 40101, "Forbidden (authentication is required)"));
  });

  test("any route: wrong credentials are 401 Unauthorized with code 40101", async () => {
    expect(await raw("/topics", { authorization: basicAuth(USER, "nope") })).toEqual(
      error(401, 40101, "Unauthorized"),
    );
  });

  test("any route: a header that is not Basic user:password is 400 with code 40002", async () => {
    for (const authorization of [
      "Bearer abc",
      "Basic !!!",
      `Basic ${b64("no-colon")}`,
      `Basic ${b64("user:")}`,
    ]) {
      expect(await raw("/topics", { authorization })).toEqual(
        error(400, 40002, "Malformed Authorization header"),
      );
    }
  });

  test("produce: refused credentials store nothing", async () => {
    const topic = unique("auth");
    const res = await fetch(`${proxy.emulator.url}/topics/${topic}`, {
      method: "POST",
      headers: { authorization: basicAuth(USER, "nope"), "content-type": BINARY },
      body: JSON.stringify({ records: [{ value: b64("a"), partition: 0 }] }),
    });
    expect(res.status).toBe(401);
    expect(await contents(topic)).toEqual({ error_code: 40402, message: "unknown_topic_or_partition" });
  });
});

describe("content negotiation", () => {
  test("produce: a Content-Type that is not a kafka embedded format is 415", async () => {
    for (const type of ["application/json", V2]) {
      const answer = await client.call("POST", `/topics/${unique("type")}`, {
        headers: { "content-type": type },
        body: JSON.stringify({ records: [{ value: b64("a") }] }),
      });
      expect(answer).toEqual(error(415, 415, "unsupported_media_type"));
    }
  });

  test("fetch: an Accept without the binary or json embedded format is 406", async () => {
    for (const accept of [undefined, "*/*", V2]) {
      const answer = await client.call(
        "GET",
        "/topics/t/partitions/0/records?offset=0&timeout=0&max_bytes=1",
        {
          headers: accept === undefined ? {} : { accept },
        },
      );
      expect(answer).toEqual(error(406, 406, "not_acceptable"));
    }
  });

  test("fetch: the first supported format of an Accept list wins", async () => {
    const topic = unique("list");
    await client.produce(topic, [{ value: "1", partition: 0 }]);
    const answer = await client.call(
      "GET",
      `/topics/${topic}/partitions/0/records?offset=0&timeout=0&max_bytes=1`,
      {
        headers: { accept: `text/html, ${JSON_FORMAT}, ${BINARY}` },
      },
    );
    expect(answer).toEqual({
      status: 200,
      contentType: JSON_FORMAT,
      body: [{ topic, key: null, value: 1, partition: 0, offset: 0 }],
    });
  });
});

describe("bad produce bodies", () => {
  const bodies: [string, string][] = [
    ["malformed JSON", "{"],
    ["no records", JSON.stringify({ values: [] })],
    ["an unknown field", JSON.stringify({ records: [{ value: b64("a"), timestamp: 1 }] })],
    ["a value that is not base64", JSON.stringify({ records: [{ value: "not base64!" }] })],
    ["a null key in binary", JSON.stringify({ records: [{ key: null, value: b64("a") }] })],
    ["a negative partition", JSON.stringify({ records: [{ value: b64("a"), partition: -1 }] })],
  ];
  for (const [what, body] of bodies) {
    test(`produce: ${what} is 422 and stores nothing`, async () => {
      const topic = unique("bad");
      const answer = await client.call("POST", `/topics/${topic}`, {
        headers: { "content-type": BINARY },
        body,
      });
      expect(answer.status).toBe(422);
      expect(answer.body).toEqual({ error_code: 422, message: expect.stringMatching(/^parse error/) });
      expect(await contents(topic)).toEqual({ error_code: 40402, message: "unknown_topic_or_partition" });
    });
  }

  test("produce: an empty records list is 400 with code 40002", async () => {
    const answer = await client.call("POST", `/topics/${unique("empty")}`, {
      headers: { "content-type": BINARY },
      body: JSON.stringify({ records: [] }),
    });
    expect(answer).toEqual(error(400, 40002, "records must not be empty"));
  });
});

describe("fetch parameters", () => {
  const fetchAt = (path: string) => client.call("GET", path, { headers: { accept: BINARY } });

  test("fetch: each missing mandatory parameter is named, 400 with code 40002", async () => {
    expect(await fetchAt("/topics/t/partitions/0/records?timeout=0&max_bytes=1")).toEqual(
      error(400, 40002, "Missing mandatory parameter 'offset'"),
    );
    expect(await fetchAt("/topics/t/partitions/0/records?offset=0&max_bytes=1")).toEqual(
      error(400, 40002, "Missing mandatory parameter 'timeout'"),
    );
    expect(await fetchAt("/topics/t/partitions/0/records?offset=0&timeout=0")).toEqual(
      error(400, 40002, "Missing mandatory parameter 'max_bytes'"),
    );
    expect(await fetchAt("/topics//partitions/0/records?offset=0&timeout=0&max_bytes=1")).toEqual(
      error(400, 40002, "Missing mandatory parameter 'topic_name'"),
    );
  });

  test("fetch: a parameter that is not an integer is invalid, 400 with code 40002", async () => {
    expect(await fetchAt("/topics/t/partitions/0/records?offset=abc&timeout=0&max_bytes=1")).toEqual(
      error(400, 40002, "Invalid parameter 'offset' got 'abc'"),
    );
    expect(await fetchAt("/topics/t/partitions/x/records?offset=0&timeout=0&max_bytes=1")).toEqual(
      error(400, 40002, "Invalid parameter 'partition_id' got 'x'"),
    );
  });
});

describe("emulator shell", () => {
  test("any route: an unknown path is 404 in the proxy's error shape", async () => {
    expect(await client.call("GET", "/topics/t/offsets")).toEqual(error(404, 404, "Not found"));
  });

  test("produce: an injected failure answers in the proxy's error shape and stores nothing", async () => {
    const topic = unique("fault");
    proxy.emulator.faults.add({ kind: "fail", count: 1, status: 503, ms: 0, path: `/topics/${topic}` });
    const answer = await client.produce(topic, [{ value: "a", partition: 0 }]);
    expect(answer).toEqual({
      status: 503,
      contentType: "application/json",
      body: { error_code: 503, message: "injected fault: redpanda failed this request" },
    });
    expect(await contents(topic)).toEqual({ error_code: 40402, message: "unknown_topic_or_partition" });
  });

  test("stats: requests are counted under the route they reached", async () => {
    proxy.emulator.resetStats();
    const topic = unique("stats");
    await client.produce(topic, [{ value: "a", partition: 0 }]);
    await client.fetchRecords(topic, 0, 0);
    await client.fetchRecords(topic, 0, 0);
    expect(proxy.emulator.stats()).toEqual({
      "POST /topics/{topic}": 1,
      "GET /topics/{topic}/partitions/{partition}/records": 2,
    });
  });
});
