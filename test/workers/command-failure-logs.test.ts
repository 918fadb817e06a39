/**
 * What a failed mutation leaves in the log (docs/api.md#request-ids): every UNAVAILABLE or MISCONFIGURED answer and
 * every internal error is one JSON line carrying the request id and the cause, cut to a readable size. And a poke
 * whose publish hangs fails within its time limit and says so, rather than hold the request's background work.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearFaultsAfterEach, eventually, injectFault, TASK_FIELDS } from "./support/command-support";
import { type CapturedWorker, type LogLine, startCapturedCommand } from "./support/hostile-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const kafkaUrl = () => sys().stack.kafka.url;
const redisUrl = () => sys().stack.redis.url;
const qstashUrl = () => sys().stack.qstash.url;
clearFaultsAfterEach(kafkaUrl);
clearFaultsAfterEach(redisUrl);
clearFaultsAfterEach(qstashUrl);

let command: CapturedWorker;
beforeAll(async () => {
  command = await startCapturedCommand(sys());
});
afterAll(async () => {
  await command?.close();
});

const CREATE = `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK_FIELDS} } }`;
let n = 0;

/** Sends a mutation to the captured worker under a fresh request id; answers the id and the parsed body. */
async function mutate(variables: Record<string, unknown>, worker = command) {
  const requestId = `failure-log-${Date.now()}-${++n}`;
  const res = await fetch(`${worker.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": requestId },
    body: JSON.stringify({ query: CREATE, variables }),
  });
  const body = (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
  return { requestId, body };
}

/** The lines the worker logged under `requestId`, once at least one is there. */
async function linesOf(requestId: string, worker = command): Promise<LogLine[]> {
  return eventually(async () => {
    const lines = worker.lines().filter((l) => l.requestId === requestId);
    return lines.length > 0 ? lines : undefined;
  }, `a log line for ${requestId}`);
}

describe("a failed mutation's log line", () => {
  it.each([
    ["a refused append", { kind: "fail", status: 429, path: "/produce" }, "/produce answered 429"],
    [
      "an append answered 500 after it was stored",
      { kind: "fail-after", status: 500, path: "/produce" },
      "/produce answered 500",
    ],
    [
      "an append whose connection dropped",
      { kind: "timeout", ms: 50, path: "/produce" },
      "request to /produce failed",
    ],
  ])(
    "createTask: %s is UNAVAILABLE and leaves exactly one line with the request id and the cause",
    async (_, fault, cause) => {
      await injectFault(kafkaUrl(), fault);

      const { requestId, body } = await mutate({ text: "logged failure" });

      expect(body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
      // Give a second line the time to appear, were there one.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = await linesOf(requestId);
      expect(lines).toEqual([
        expect.objectContaining({
          level: "error",
          requestId,
          path: ["createTask"],
          code: "UNAVAILABLE",
          service: "kafka",
          message: body.errors?.[0]?.message,
          cause: expect.stringContaining(cause),
        }),
      ]);
    },
  );

  it("createTask: a Redis failure quoting a long command leaves one line whose cause is cut short", async () => {
    // The idempotency claim quotes the request's arguments, and the Redis client quotes the whole command.
    const text = "long ".repeat(199);
    const key = `long-cause-${Date.now()}`;
    await injectFault(redisUrl(), { kind: "fail", status: 500, bodyIncludes: `idempotency:${key}` });

    const { requestId, body } = await mutate({ text, key });

    expect(body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = await linesOf(requestId);
    expect(lines).toHaveLength(1);
    const cause = String(lines[0]?.cause);
    expect(cause).toMatch(/^UpstreamError: redis: claim idempotency key failed: injected fault/);
    expect(cause).toMatch(/… \(truncated\)$/);
    expect(cause.length).toBeLessThanOrEqual(520);
  });

  it("createTask: a malformed binding is MISCONFIGURED and leaves exactly one line naming it", async () => {
    const misconfigured = await startCapturedCommand(sys(), { KAFKA_TIMEOUT_MS: "lots" });
    try {
      const { requestId, body } = await mutate({ text: "never sent" }, misconfigured);

      expect(body.errors?.[0]?.extensions?.code).toBe("MISCONFIGURED");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await linesOf(requestId, misconfigured)).toEqual([
        expect.objectContaining({
          level: "error",
          requestId,
          code: "MISCONFIGURED",
          cause: expect.stringContaining("KAFKA_TIMEOUT_MS"),
        }),
      ]);
    } finally {
      await misconfigured.close();
    }
  });
});

describe("a poke whose publish hangs", () => {
  it("createTask: succeeds, and the poke fails within its time limit with a line saying so", async () => {
    // Held far longer than the notifier's limit (5 s): only the limit can end the wait.
    await injectFault(qstashUrl(), {
      kind: "timeout",
      ms: 60_000,
      count: 2,
      bodyIncludes: '"reason":"append"',
    });

    const { requestId, body } = await mutate({ text: "poke held" });

    expect(body.errors).toBeUndefined();
    const failed = await eventually(
      async () => {
        const line = command
          .lines()
          .find((l) => l.requestId === requestId && String(l.msg).startsWith("poke"));
        return line;
      },
      "the poke's outcome in the log",
      15_000,
    );
    expect(failed).toMatchObject({
      level: "error",
      worker: "command",
      msg: "poke failed; the scheduled catch-up will project it",
      error: { name: "UpstreamTimeoutError", message: "qstash: no answer within 5000 ms" },
    });
  }, 30_000);
});
