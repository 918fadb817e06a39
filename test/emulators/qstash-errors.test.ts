/**
 * Refusals of the QStash emulator, sent with raw fetch so that the exact status and `{error}` body are
 * visible: authentication, malformed destinations, headers and batches. A refused request accepts nothing.
 */
import { Client, QstashError } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { useQStash } from "./support/qstash-fixture";

const TOKEN = "errors-test-token";

const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: "sig_errorsCurrent",
  nextSigningKey: "sig_errorsNext",
  timeScale: 0.001,
});

const { call } = qstash;

const refused = (status: number, error: string) => ({ status, body: { error, status } });

describe("authentication", () => {
  it("auth: a wrong or missing bearer token is 401 JSON", async () => {
    const wrong = await call("POST", "/v2/publish/http://127.0.0.1:1/x", {
      headers: { Authorization: "Bearer nope" },
    });
    const missing = await fetch(`${qstash.emulator.url}/v2/topics`);

    const expected = refused(401, "unauthorized: send Authorization: Bearer <QSTASH_TOKEN>");
    expect(wrong).toEqual(expected);
    expect({ status: missing.status, body: await missing.json() }).toEqual(expected);
  });

  it("auth: the client surfaces a 401 as QstashError with the raw body", async () => {
    const client = new Client({ baseUrl: qstash.emulator.url, token: "not-the-token" });

    const error = await client.publish({ url: "http://127.0.0.1:1/x", body: "x" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QstashError);
    expect((error as QstashError).status).toBe(401);
    expect((error as QstashError).message).toBe(
      '{"error":"unauthorized: send Authorization: Bearer <QSTASH_TOKEN>","status":401}',
    );
  });
});

describe("publish refusals", () => {
  it("publish: an unparsable destination URL is 400", async () => {
    const res = await call("POST", "/v2/publish/http://exa%20mple.com/hook", { body: "x" });

    expect(res).toEqual(refused(400, "invalid destination url: http://exa%20mple.com/hook"));
  });

  it("publish: an invalid URL group name is 400 and an unknown group is 404", async () => {
    const invalid = await call("POST", "/v2/publish/bad%20name", { body: "x" });
    const unknown = await call("POST", `/v2/publish/no-such-group-${Date.now()}`, { body: "x" });

    expect(invalid).toEqual(
      refused(400, 'invalid url group name "bad%20name": use letters, digits, ".", "_" and "-" only'),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error: expect.stringMatching(/^url group no-such-group-\d+ not found$/),
      status: 404,
    });
  });

  it("publish: malformed Upstash-* header values are 400 with the reason", async () => {
    const dest = await qstash.destination();
    const publish = (headers: Record<string, string>) =>
      call("POST", `/v2/publish/${dest.url}/never`, { headers, body: "x" });

    expect(await publish({ "Upstash-Delay": "soon" })).toEqual(
      refused(400, 'invalid Upstash-Delay header: "soon" is not a duration like 10s, 5m, 1h or 1d10h30m'),
    );
    expect(await publish({ "Upstash-Retries": "-1" })).toEqual(
      refused(400, 'invalid Upstash-Retries header "-1": expected an integer'),
    );
    expect(await publish({ "Upstash-Method": "TRACE" })).toEqual(
      refused(400, 'invalid Upstash-Method header "TRACE": expected one of GET, POST, PUT, DELETE, PATCH'),
    );
    expect(await publish({ "Upstash-Retry-Delay": "eval(1)" })).toEqual(
      refused(400, 'invalid Upstash-Retry-Delay header "eval(1)": unknown name "eval"'),
    );
    expect(await publish({ "Upstash-Not-Before": "tomorrow" })).toEqual(
      refused(400, 'invalid Upstash-Not-Before header "tomorrow": expected an integer'),
    );
    expect(
      await publish({ "Upstash-Flow-Control-Key": "k", "Upstash-Flow-Control-Value": "parallelism=0" }),
    ).toEqual(
      refused(400, 'invalid Upstash-Flow-Control-Value parallelism header "0": must be from 1 to 1000000'),
    );
    expect(await publish({ "Upstash-Content-Based-Deduplication": "yes" })).toEqual(
      refused(400, 'invalid Upstash-Content-Based-Deduplication header "yes": expected true or false'),
    );
    await qstash.emulator.idle();
    expect(dest.requests).toHaveLength(0);
  });

  it("routes: an unknown endpoint is 404 JSON", async () => {
    expect(await call("GET", "/v2/nothing-here")).toEqual(
      refused(404, "no such QStash endpoint: GET /v2/nothing-here"),
    );
  });
});

describe("batch refusals", () => {
  it("batch: malformed JSON is 400", async () => {
    const res = await call("POST", "/v2/batch", {
      headers: { "Content-Type": "application/json" },
      body: "[{",
    });

    expect(res).toEqual(
      refused(400, "invalid JSON body: expected an array of {destination, headers, body, queue?}"),
    );
  });

  it("batch: malformed batches accept nothing, and publishing still works afterwards", async () => {
    const dest = await qstash.destination();
    const good = { destination: `${dest.url}/ok`, headers: {}, body: "ok" };
    const batches: Array<[unknown, string]> = [
      [{ destination: good.destination }, "batch body must be a JSON array"],
      [[], "batch must contain at least one message"],
      [[good, 42], "batch item 1 must be an object"],
      [
        [good, { headers: {}, body: "no destination" }],
        "batch item 1: destination must be a non-empty string",
      ],
      [
        [good, { ...good, headers: { "upstash-delay": 5 } }],
        'batch item 1: header "upstash-delay" must be a string',
      ],
      [
        [good, { ...good, headers: { "upstash-delay": "5 minutes" } }],
        expect.stringMatching(/^batch item 1: invalid Upstash-Delay/),
      ],
      [[good, { ...good, destination: "https://" }], "batch item 1: invalid destination url: https://"],
      [[good, { ...good, body: { not: "a string" } }], "batch item 1: body must be a string"],
    ];

    for (const [body, error] of batches) {
      expect(await call("POST", "/v2/batch", { body: JSON.stringify(body) })).toEqual({
        status: 400,
        body: { error, status: 400 },
      });
    }
    await qstash.emulator.idle();
    expect(dest.requests).toHaveLength(0);

    const client = new Client({ baseUrl: qstash.emulator.url, token: TOKEN });
    const res = await client.publish({ url: `${dest.url}/ok`, body: "after" });
    const [req] = await dest.waitFor("/ok", 1);
    expect(res).toEqual({ messageId: expect.stringMatching(/^msg_/), url: `${dest.url}/ok` });
    expect(req?.body.toString()).toBe("after");
  });
});
