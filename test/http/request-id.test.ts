import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { requestId } from "../../shared/http/request-id";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const app = new Hono();
app.use(requestId());
app.get("/json", (c) => c.json({ seen: c.get("requestId") }));
app.get("/raw", () => new Response("built by the handler"));

const get = (path: string, id?: string) =>
  app.request(path, id === undefined ? {} : { headers: { "x-request-id": id } });

describe("requestId()", () => {
  it("request id: a caller's plain token, trace ids with . and : included, is kept and seen by the handler", async () => {
    const res = await get("/json", "trace.01:span-2_x");
    expect(res.headers.get("x-request-id")).toBe("trace.01:span-2_x");
    expect(await res.json()).toEqual({ seen: "trace.01:span-2_x" });
  });

  it("request id: anything else (=, spaces, over 128 characters) is replaced by a new UUID", async () => {
    for (const id of ["a=b", "a b", "x".repeat(129), ""]) {
      const res = await get("/json", id);
      const sent = res.headers.get("x-request-id");
      expect(sent).toMatch(UUID);
      expect(await res.json()).toEqual({ seen: sent });
    }
  });

  it("request id: an answer the handler builds as a plain Response carries it too", async () => {
    const res = await get("/raw", "abc-1");
    expect(res.headers.get("x-request-id")).toBe("abc-1");
    expect(await res.text()).toBe("built by the handler");
  });
});
