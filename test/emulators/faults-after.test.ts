/**
 * The fault kinds that act after a request was handled, shared by every emulator: `fail-after` does the work and
 * answers an error (or an unusable 2xx) instead of the result; `drop-after` does the work and drops the connection
 * unanswered. Shown on the Redis REST front end with the official client, and on raw requests.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { useLocalRedis } from "./support/redis-fixture";

const TOKEN = "faults-after-token";
const local = useLocalRedis({ name: "faults-after", token: TOKEN });
const key = (name: string) => `${name}:${randomUUID()}`;

async function addFault(fault: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${local.stack.rest.url}/__emulator/faults`, {
    method: "POST",
    body: JSON.stringify(fault),
  });
  return res.status;
}

describe("faults after the work", () => {
  test("fail-after: the command runs, then the client gets the injected status", async () => {
    const k = key("fail-after");
    expect(await addFault({ kind: "fail-after", status: 502, bodyIncludes: k })).toBe(200);

    await expect(local.redis.set(k, "stored")).rejects.toThrow(
      "injected fault: redis-rest did this request, then failed it",
    );
    expect(await local.redis.get(k)).toBe("stored");
  });

  test("fail-after: a 2xx status answers a body that is not the result", async () => {
    const k = key("fail-after-2xx");
    expect(await addFault({ kind: "fail-after", status: 200, bodyIncludes: k })).toBe(200);

    const res = await fetch(local.stack.rest.url, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(["set", k, "stored"]),
    });

    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 200,
      body: { error: "injected fault: redis-rest did this request, then failed it", status: 200 },
    });
    expect(await local.redis.get(k)).toBe("stored");
  });

  test("drop-after: the command runs and its answer is lost: the request fails, the work is done", async () => {
    const k = key("drop-after");
    expect(await addFault({ kind: "drop-after", bodyIncludes: k })).toBe(200);

    const sent = fetch(local.stack.rest.url, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(["incr", k]),
    });

    await expect(sent).rejects.toThrow("fetch failed");
    expect(await local.redis.get(k)).toBe(1);
  });

  test("fail-after: a status below 200 is refused, naming the range", async () => {
    const res = await fetch(`${local.stack.rest.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "fail-after", status: 100 }),
    });

    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 400,
      body: { error: "invalid fault: status must be an integer from 200 to 599", status: 400 },
    });
  });
});
