/**
 * What the QStash emulator does not implement it refuses by name, never accepts and ignores: unknown
 * `Upstash-*` headers, query parameters and body fields are 400, and QStash routes left out by design are
 * 501 with the reason. Raw fetch shows the exact answers; the client shows how a developer meets them.
 */
import { QstashError } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { useQStash } from "./support/qstash-fixture";

const TOKEN = "refusals-test-token";

const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: "sig_refusalsCurrent",
  nextSigningKey: "sig_refusalsNext",
  timeScale: 0.001,
});

const { call } = qstash;

const refused = (status: number, error: string) => ({ status, body: { error, status } });

describe("headers", () => {
  it("publish: an Upstash-* header the emulator does not implement is 400 naming it, and nothing is delivered", async () => {
    const dest = await qstash.destination();
    const publish = (headers: Record<string, string>) =>
      call("POST", `/v2/publish/${dest.url}/never`, { headers, body: "x" });

    expect(await publish({ "Upstash-Callback-Retries": "2" })).toEqual(
      refused(
        400,
        "unsupported header Upstash-Callback-Retries: per-callback delivery options are not implemented (callbacks use the default method, retries and timeout)",
      ),
    );
    expect(await publish({ "Upstash-Workflow-RunId": "wfr_1" })).toEqual(
      refused(400, "unsupported header Upstash-Workflow-Runid: Upstash Workflow is not emulated"),
    );
    expect(await publish({ "Upstash-Cron": "* * * * *" })).toEqual(
      refused(
        400,
        "unsupported header Upstash-Cron: a cron belongs to POST /v2/schedules/{destination}, not to a publish",
      ),
    );
    expect(await publish({ "Upstash-Delivery-Mode": "fast" })).toEqual(
      refused(400, "unsupported header Upstash-Delivery-Mode: the emulator does not know this header"),
    );
    expect(await publish({ "Upstash-Redact-Fields": "password" })).toEqual(
      refused(
        400,
        'invalid Upstash-Redact-Fields header "password": expected body, header or header[Name], comma-separated',
      ),
    );
    expect(await publish({ "Upstash-Callback": "not a url" })).toEqual(
      refused(400, 'invalid Upstash-Callback header "not a url": expected an http(s) URL'),
    );
    await qstash.emulator.idle();
    expect(dest.requests).toHaveLength(0);
  });

  it("publish: telemetry headers and Upstash-Forward-* are accepted (telemetry has no behaviour to emulate)", async () => {
    const dest = await qstash.destination();

    const res = await call("POST", `/v2/publish/${dest.url}/ok`, {
      headers: { "Upstash-Telemetry-Sdk": "x@1", "Upstash-Forward-X-A": "a" },
      body: "x",
    });
    const [req] = await dest.waitFor("/ok", 1);

    expect(res.status).toBe(200);
    expect(req?.headers["x-a"]).toBe("a");
    expect(req?.headers["upstash-telemetry-sdk"]).toBeUndefined();
  });

  it("batch: an unknown field of an item is 400 naming it", async () => {
    const item = { destination: "http://127.0.0.1:1/x", headers: {}, body: "x", delay: "10s" };

    expect(await call("POST", "/v2/batch", { body: JSON.stringify([item]) })).toEqual(
      refused(400, 'batch item 0: unsupported field "delay"'),
    );
  });
});

describe("query parameters", () => {
  it("dlq: a filter the DLQ does not know (a typo, or host which QStash refuses there) is 400, and nothing is deleted", async () => {
    expect(await call("DELETE", "/v2/dlq?labeel=x&count=100")).toEqual(
      refused(400, 'unsupported query parameter "labeel" on DELETE /v2/dlq'),
    );
    expect(await call("GET", "/v2/dlq?host=example.com")).toEqual(
      refused(400, 'unsupported query parameter "host" on GET /v2/dlq'),
    );
  });

  it("events: an unknown filter is 400; routes without parameters refuse any", async () => {
    expect(await call("GET", "/v2/events?groupBy=messageId")).toEqual(
      refused(400, 'unsupported query parameter "groupBy" on GET /v2/events'),
    );
    expect(await call("GET", "/v2/topics?page=2")).toEqual(
      refused(400, 'unsupported query parameter "page" on GET /v2/topics'),
    );
    expect(await call("GET", "/v2/events?fromDate=yesterday")).toEqual(
      refused(400, 'invalid fromDate "yesterday": expected unix milliseconds'),
    );
  });

  it("queues: an unknown field in the upsert body is 400", async () => {
    const body = JSON.stringify({ queueName: `q-${Date.now()}`, parallelism: 1, priority: 5 });

    expect(await call("POST", "/v2/queues", { body })).toEqual(
      refused(400, 'unsupported field "priority" in the queue body'),
    );
  });
});

describe("routes", () => {
  it("routes: QStash features left out by design answer 501 with the reason", async () => {
    expect(await call("GET", "/v2/globalParallelism")).toEqual(
      refused(
        501,
        "GET /v2/globalParallelism is not implemented: global parallelism is a plan limit of hosted QStash, which the emulator does not have",
      ),
    );
    expect(await call("DELETE", "/v2/workflows/runs/wfr_1")).toEqual(
      refused(501, "DELETE /v2/workflows/runs/wfr_1 is not implemented: Upstash Workflow is not emulated"),
    );
  });

  it("routes: the client surfaces a refusal as QstashError with the reason", async () => {
    const error = await qstash.client.flowControl.getGlobalParallelism().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QstashError);
    expect((error as QstashError).status).toBe(501);
    expect((error as QstashError).message).toMatch(/global parallelism is a plan limit/);
  });
});
