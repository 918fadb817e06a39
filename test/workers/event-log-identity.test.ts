/**
 * Two workers set to different event logs never fold the wrong log silently: the first to use a projection
 * records its log's identity there, and a worker set to another log refuses with MISCONFIGURED, naming what differs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "../support/system";

let sys: TestSystem;

beforeAll(async () => {
  // The command worker appends to Kafka; the projector is set to fold Redis Streams.
  sys = await startSystem({ eventLog: "upstash-kafka", projectorBindings: { EVENT_LOG: "redis-streams" } });
});
afterAll(async () => {
  await sys?.close();
});

describe("event log identity", () => {
  it("projection: a projector set to another log than the command worker's refuses, naming what differs", async () => {
    const created = await sys.graphql('mutation { createTask(text: "Do the dishes!") { id } }');
    expect(created.body.errors).toBeUndefined();

    const res = await fetch(`${sys.projectorUrl}/status`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: string; error: string };
    expect(body.code).toBe("MISCONFIGURED");
    expect(body.error).toBe(
      "configuration: EVENT_LOG does not match the log this projection (PROJECTION_PREFIX) is folded from: they differ in the backend (EVENT_LOG) and the log's address (its URL binding). Give both workers the same EVENT_LOG, log address, topic and EVENT_LOG_PARTITIONS, or fold a new projection under another PROJECTION_PREFIX",
    );

    // The scheduled catch-up refuses too, and folds nothing.
    await expect(sys.cron()).rejects.toThrow(/500/);
    const list = await sys.graphql("query { list { id } }");
    expect(list.body.data.list).toEqual([]);
  });

  it("createTask: the command worker set to the recorded log keeps working", async () => {
    const created = await sys.graphql('mutation { createTask(text: "still fine") { id text } }');
    expect(created.body).toEqual({ data: { createTask: { id: expect.any(String), text: "still fine" } } });
  });
});
