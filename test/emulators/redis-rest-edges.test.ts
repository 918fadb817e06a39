/**
 * Contract at the HTTP level, around the commands (docs/protocols.md#upstash-redis-rest): authentication, malformed
 * input, CORS, methods and path-style commands, checked with raw fetch.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { describe, expect, test } from "vitest";
import { rawRequests, useLocalRedis } from "./support/redis-fixture";

const TOKEN = "redis-rest-edges-token";
const local = useLocalRedis({ name: "redis-rest-edges", token: TOKEN });
const { send, sendWithHeaders } = rawRequests(local);

const key = (name: string) => `${name}:${randomUUID()}`;

describe("authentication", () => {
  test("auth: a wrong or missing token is a 401 {error}; ?_token= is accepted", async () => {
    const body = JSON.stringify(["ping"]);
    const error = { error: "Unauthorized: missing or wrong token (send Authorization: Bearer <token>)" };
    expect(await send("/", body, { headers: { authorization: "Bearer wrong" } })).toEqual({
      status: 401,
      body: error,
    });
    expect(await send("/pipeline", body, { headers: { authorization: "" } })).toEqual({
      status: 401,
      body: error,
    });
    expect(await send(`/?_token=${TOKEN}`, body, { headers: { authorization: "Basic eDp5" } })).toEqual({
      status: 200,
      body: { result: "PONG" },
    });
  });

  test("auth: the client with a wrong token throws the 401's error", async () => {
    const redis = new Redis({ url: local.stack.rest.url, token: "wrong" });
    await expect(redis.get("k")).rejects.toThrow(
      'Unauthorized: missing or wrong token (send Authorization: Bearer <token>), command was: [["get","k"]]',
    );
  });
});

describe("malformed requests", () => {
  const cases: [string, string | Uint8Array<ArrayBuffer>, Record<string, string>, string][] = [
    ["empty body", "", {}, "ERR empty request body; expected a JSON array"],
    ["garbage bytes", new Uint8Array([0x00, 0x13, 0x37, 0x7b]), {}, "ERR invalid JSON in request body: "],
    [
      "invalid UTF-8",
      new Uint8Array([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]),
      {},
      "ERR request body is not valid UTF-8",
    ],
    ["truncated JSON", '["set","k"', {}, "ERR invalid JSON in request body: "],
    ["an object", '{"command":"get"}', {}, "ERR the command must be a JSON array, got an object"],
    ["a nested object argument", '["set","k",{"a":1}]', {}, "ERR the command, argument 3 is an object; "],
    ["an empty command", "[]", {}, "ERR the command is empty; a command needs at least its name"],
    ["a list sent to POST /", '[["get","k"]]', {}, "ERR POST / takes one command such as "],
    ["a huge number", '["set","k",1e400]', {}, "ERR argument 3 is not a finite number"],
    [
      "an inexact integer",
      '["set","k",123456789012345678901234567890]',
      {},
      "ERR argument 3 is an integer beyond 2^53",
    ],
    [
      "a string",
      '"get k"',
      { "content-type": "text/plain" },
      "ERR the command must be a JSON array, got a string",
    ],
  ];

  test.each(cases)("POST /: %s is a 400 {error} with the reason", async (_name, body, headers, reason) => {
    const res = await send("/", body, { headers });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body as object)).toEqual(["error"]);
    expect((res.body as { error: string }).error.startsWith(reason)).toBe(true);
  });

  test("POST /pipeline: wrong shapes are a 400 {error} with the reason", async () => {
    const expectations: [string, string][] = [
      ['["get","k"]', "ERR command 1 must be a JSON array, got a string"],
      ["[]", "ERR the body holds no commands"],
      ['[["get","k"],[]]', "ERR command 2 is empty; a command needs at least its name"],
      [
        '[["set","k",["nested"]]]',
        "ERR command 1, argument 3 is an array; arguments must be strings, numbers or booleans",
      ],
      ['{"a":1}', "ERR the body must be a JSON array of commands, got an object"],
      ["null", "ERR the body must be a JSON array of commands, got null"],
    ];
    for (const [body, error] of expectations) {
      expect(await send("/pipeline", body)).toEqual({ status: 400, body: { error } });
      expect(await send("/multi-exec", body)).toEqual({ status: 400, body: { error } });
    }
  });

  test("POST /: the server still serves a normal command after a burst of malformed requests", async () => {
    const bad = [
      "",
      "\u0000\u0001garbage",
      "[[[[[[[[[[",
      '{"__proto__":{"x":1}}',
      "[1e999999]",
      '["get",{"a":[{"b":{}}]}]',
      "x".repeat(100_000),
    ];
    const statuses = await Promise.all(
      bad.flatMap((b) => ["/", "/pipeline", "/multi-exec"].map(async (p) => (await send(p, b)).status)),
    );
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect(
      (await send("/", '["echo","still here"]', { headers: { "content-type": "text/plain" } })).body,
    ).toEqual({
      result: "still here",
    });
  });
});

describe("HTTP details", () => {
  test("sync token: every answer carries an upstash-sync-token that CORS exposes", async () => {
    const first = await sendWithHeaders("/", JSON.stringify(["ping"]), {
      headers: { "upstash-sync-token": "" },
    });
    const second = await sendWithHeaders("/", JSON.stringify(["ping"]));
    expect(first.headers.get("access-control-expose-headers")).toBe("upstash-sync-token");
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    expect(Number(second.headers.get("upstash-sync-token"))).toBeGreaterThan(
      Number(first.headers.get("upstash-sync-token")),
    );
  });

  test("OPTIONS: a preflight gets permissive CORS without a token", async () => {
    const res = await fetch(`${local.stack.rest.url}/pipeline`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,upstash-encoding,upstash-sync-token",
      },
    });
    expect(res.status).toBe(204);
    const cors: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name.startsWith("access-control")) cors[name] = value;
    });
    expect(cors).toEqual({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, HEAD, POST, PUT, OPTIONS",
      "access-control-allow-headers": "authorization,content-type,upstash-encoding,upstash-sync-token",
      "access-control-expose-headers": "upstash-sync-token",
      "access-control-max-age": "600",
    });
  });

  test("methods: other methods are a 405 {error}", async () => {
    expect(await send("/", JSON.stringify(["ping"]), { method: "DELETE" })).toEqual({
      status: 405,
      body: { error: "DELETE is not allowed on /; use POST" },
    });
    expect(await send("/pipeline", undefined, { method: "GET" })).toEqual({
      status: 405,
      body: { error: "GET is not allowed on /pipeline; use POST" },
    });
    expect(await send("/get/k", undefined, { method: "PATCH" })).toEqual({
      status: 405,
      body: { error: "PATCH is not allowed" },
    });
  });

  test("path-style: GET and POST commands for curl users, the body as the value", async () => {
    const k = key("path");
    expect((await send(`/set/${encodeURIComponent(k)}/a%20b`, undefined, { method: "GET" })).body).toEqual({
      result: "OK",
    });
    expect((await send(`/get/${encodeURIComponent(k)}`, undefined, { method: "GET" })).body).toEqual({
      result: "a b",
    });
    expect((await send(`/set/${encodeURIComponent(k)}?EX=100`, "raw body value")).body).toEqual({
      result: "OK",
    });
    expect((await send(`/get/${encodeURIComponent(k)}`, undefined, { method: "GET" })).body).toEqual({
      result: "raw body value",
    });
    expect(
      (await send(`/ttl/${encodeURIComponent(k)}?_token=${TOKEN}`, undefined, { method: "GET" })).body,
    ).toEqual({ result: 100 });
  });

  test("subscribe: the SSE endpoints are not implemented (404 {error})", async () => {
    expect(await send("/subscribe/chat", "[]")).toEqual({
      status: 404,
      body: {
        error: "/subscribe/chat (pub/sub and monitor over server-sent events) is not implemented here",
      },
    });
  });

  test("Upstash-Response-Format: only json is supported", async () => {
    expect(
      await send("/", JSON.stringify(["ping"]), { headers: { "upstash-response-format": "resp2" } }),
    ).toEqual({
      status: 400,
      body: { error: 'Upstash-Response-Format "resp2" is not supported here; use json' },
    });
  });
});
