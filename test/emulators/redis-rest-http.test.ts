/**
 * Contract at the HTTP level (docs/protocols.md#upstash-redis-rest): the exact bodies and statuses of `POST /`, `/pipeline` and
 * `/multi-exec`, base64 encoding and refused commands, checked with raw fetch.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { describe, expect, test } from "vitest";
import { rawRequests, useLocalRedis } from "./support/redis-fixture";

const TOKEN = "redis-rest-http-token";
const local = useLocalRedis({ name: "redis-rest-http", token: TOKEN });
const { send } = rawRequests(local);

const key = (name: string) => `${name}:${randomUUID()}`;

const base64 = { "upstash-encoding": "base64" };

describe("POST /", () => {
  test("POST /: one command; numbers, booleans and any case of the name are accepted", async () => {
    const k = key("single");
    expect(await send("/", JSON.stringify(["SeT", k, 42, "EX", 100]))).toEqual({
      status: 200,
      body: { result: "OK" },
    });
    expect((await send("/", JSON.stringify(["get", k]))).body).toEqual({ result: "42" });
    await send("/", JSON.stringify(["set", k, true]));
    expect((await send("/", JSON.stringify(["GET", k]))).body).toEqual({ result: "true" });
  });

  test("POST /: a Redis error is a 400 {error} with redis-server's text", async () => {
    expect(await send("/", JSON.stringify(["get"]))).toEqual({
      status: 400,
      body: { error: "ERR wrong number of arguments for 'get' command" },
    });
    expect(await send("/", JSON.stringify(["nosuchcommand", "a"]))).toEqual({
      status: 400,
      body: { error: "ERR unknown command 'nosuchcommand', with args beginning with: 'a' " },
    });
  });

  test("POST /: the client's generic exec of an unknown command throws Redis's error", async () => {
    const redis = new Redis({ url: local.stack.rest.url, token: TOKEN });
    await expect(redis.exec(["NOSUCHCOMMAND"])).rejects.toThrow(
      `ERR unknown command 'NOSUCHCOMMAND', with args beginning with: , command was: ["NOSUCHCOMMAND"]`,
    );
  });

  test("POST /: base64 mode encodes every string, keeps top-level OK, integers and nil as they are", async () => {
    const k = key("b64");
    expect((await send("/", JSON.stringify(["set", k, "bar"]), { headers: base64 })).body).toEqual({
      result: "OK",
    });
    expect((await send("/", JSON.stringify(["get", k]), { headers: base64 })).body).toEqual({
      result: "YmFy",
    });
    expect((await send("/", JSON.stringify(["ping"]), { headers: base64 })).body).toEqual({
      result: "UE9ORw==",
    });
    expect((await send("/", JSON.stringify(["type", k]), { headers: base64 })).body).toEqual({
      result: "c3RyaW5n",
    });
    expect((await send("/", JSON.stringify(["strlen", k]), { headers: base64 })).body).toEqual({ result: 3 });
    expect((await send("/", JSON.stringify(["get", key("none")]), { headers: base64 })).body).toEqual({
      result: null,
    });
  });

  test("POST /: base64 carries the raw bytes; plain mode gives UTF-8 with U+FFFD for invalid bytes", async () => {
    const script = JSON.stringify(["eval", "return '\\255caf\\195\\169'", 0]);
    expect((await send("/", script, { headers: base64 })).body).toEqual({ result: "/2NhZsOp" });
    expect((await send("/", script)).body).toEqual({ result: "\uFFFDcafé" });
  });
});

describe("POST /pipeline and /multi-exec", () => {
  test("POST /pipeline: the reference's base64 example, item for item", async () => {
    const [k, foo, c, text] = [key("k"), key("foo"), key("c"), key("text")];
    await send(
      "/pipeline",
      JSON.stringify([
        ["set", foo, "bar"],
        ["set", c, 4],
        ["set", text, "x"],
      ]),
    );
    const res = await send(
      "/pipeline",
      JSON.stringify([
        ["set", k, "v"],
        ["get", foo],
        ["incr", c],
        ["get", key("missing")],
        ["eval", "return {'a', false, 3, {'x', redis.status_reply('OK')}}", 0],
        ["incr", text],
      ]),
      { headers: base64 },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { result: "OK" },
      { result: "YmFy" },
      { result: 5 },
      { result: null },
      { result: ["YQ==", null, 3, ["eA==", "T0s="]] },
      { error: "ERR value is not an integer or out of range" },
    ]);
  });

  test("POST /pipeline: refused and unknown commands are error items; the others still run", async () => {
    const k = key("pipe");
    const res = await send(
      "/pipeline",
      JSON.stringify([
        ["set", k, 1],
        ["blpop", k, 0],
        ["subscribe", "ch"],
        ["nosuch"],
        ["select", 1],
        ["incr", k],
      ]),
    );
    expect(res).toEqual({
      status: 200,
      body: [
        { result: "OK" },
        { error: "ERR BLPOP blocks, and Upstash REST does not support blocking commands" },
        {
          error:
            "ERR SUBSCRIBE is not supported here: Upstash serves pub/sub as server-sent events on /subscribe/{channel}, which this emulator does not implement",
        },
        { error: "ERR unknown command 'nosuch', with args beginning with: " },
        {
          error:
            "ERR SELECT is not supported by Upstash REST: of the connection commands only PING and ECHO are",
        },
        { result: 2 },
      ],
    });
  });

  test("POST /pipeline: a null argument fails only its own command", async () => {
    const k = key("null-arg");
    expect(
      (
        await send(
          "/pipeline",
          JSON.stringify([
            ["set", k, null],
            ["set", k, "ok"],
          ]),
        )
      ).body,
    ).toEqual([
      { error: "ERR argument 3 is null; arguments must be strings, numbers or booleans" },
      { result: "OK" },
    ]);
  });

  test("POST /multi-exec: execution errors are items; EXEC results are encoded like any reply", async () => {
    const [k, text] = [key("tx"), key("tx-text")];
    await send("/", JSON.stringify(["set", text, "x"]));
    expect(
      await send("/multi-exec", JSON.stringify([["set", k, "a"], ["incr", text], ["get", k], ["ping"]]), {
        headers: base64,
      }),
    ).toEqual({
      status: 200,
      body: [
        { result: "OK" },
        { error: "ERR value is not an integer or out of range" },
        { result: "YQ==" },
        { result: "UE9ORw==" },
      ],
    });
  });

  test("POST /multi-exec: a discarded transaction is a 400 {error} and nothing ran", async () => {
    const k = key("tx-discard");
    expect(await send("/multi-exec", JSON.stringify([["set", k, "a"], ["nosuch"]]))).toEqual({
      status: 400,
      body: {
        error:
          "ERR Transaction discarded (EXECABORT): command 2 failed: ERR unknown command 'nosuch', with args beginning with: ",
      },
    });
    expect(
      await send(
        "/multi-exec",
        JSON.stringify([
          ["set", k, "a"],
          ["watch", k],
        ]),
      ),
    ).toEqual({
      status: 400,
      body: {
        error:
          "ERR Transaction discarded (EXECABORT): command 2 failed: ERR WATCH is not supported as a command: send the transaction's commands to /multi-exec",
      },
    });
    expect((await send("/", JSON.stringify(["exists", k]))).body).toEqual({ result: 0 });
  });

  test("POST /: MULTI, EXEC and DISCARD as commands are refused", async () => {
    for (const name of ["multi", "exec", "discard"]) {
      expect(await send("/", JSON.stringify([name]))).toEqual({
        status: 400,
        body: {
          error: `ERR ${name.toUpperCase()} is not supported as a command: send the transaction's commands to /multi-exec`,
        },
      });
    }
  });
});
