/**
 * The RESP2 parser and the connection that carries it: replies however they are chunked, and requests that
 * fail quickly and clearly when redis-server is gone, instead of hanging.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { freePort } from "../../local/common/ports";
import { RespConnection } from "../../local/redis/connection";
import { encodeCommand, RespParser, RespProtocolError, type RespReply } from "../../local/redis/resp";

const WIRE =
  "+OK\r\n-ERR boom\r\n:-9223372036854775808\r\n$5\r\nhe\r\nl\r\n$-1\r\n*-1\r\n*0\r\n" +
  "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$0\r\n\r\n+x\r\n";

const PARSED: RespReply[] = [
  { type: "simple", value: "OK" },
  { type: "error", message: "ERR boom" },
  { type: "integer", value: "-9223372036854775808" },
  { type: "bulk", value: Buffer.from("he\r\nl") },
  { type: "bulk", value: null },
  { type: "array", value: null },
  { type: "array", value: [] },
  {
    type: "array",
    value: [
      { type: "bulk", value: Buffer.from("a") },
      {
        type: "array",
        value: [
          { type: "integer", value: "1" },
          { type: "bulk", value: Buffer.alloc(0) },
        ],
      },
      { type: "simple", value: "x" },
    ],
  },
];

describe("RespParser", () => {
  test("parse: every reply type, in one chunk", () => {
    expect(new RespParser().feed(Buffer.from(WIRE))).toEqual(PARSED);
  });

  test("parse: the same replies fed one byte at a time", () => {
    const parser = new RespParser();
    const out: RespReply[] = [];
    for (const byte of Buffer.from(WIRE)) out.push(...parser.feed(Buffer.from([byte])));
    expect(out).toEqual(PARSED);
  });

  test("parse: bulk strings keep their raw bytes", () => {
    const bytes = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0xc3]);
    const wire = Buffer.concat([Buffer.from("$5\r\n"), bytes, Buffer.from("\r\n")]);
    expect(new RespParser().feed(wire)).toEqual([{ type: "bulk", value: bytes }]);
  });

  test("parse: an unknown type byte is a protocol error", () => {
    expect(() => new RespParser().feed(Buffer.from("?what\r\n"))).toThrow(RespProtocolError);
  });

  test("encode: a command is an array of bulk strings", () => {
    expect(encodeCommand([Buffer.from("SET"), Buffer.from("k"), Buffer.from("é")]).toString("utf8")).toBe(
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n",
    );
  });
});

describe("RespConnection", () => {
  let fake: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
    fake = undefined;
  });

  /** A TCP server standing in for a redis-server that misbehaves as `onData` says. */
  async function fakeServer(onData: (socket: Socket, data: Buffer) => void): Promise<number> {
    const server = createServer((socket) => socket.on("data", (data) => onData(socket, data)));
    fake = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  test("send: replies come back per group, in order, even when the server answers in one write", async () => {
    let received = "";
    const port = await fakeServer((socket, data) => {
      received += data.toString();
      if (received.includes("third")) socket.write("+first\r\n:2\r\n+third\r\n");
    });
    const connection = await RespConnection.open({ host: "127.0.0.1", port, connectTimeoutMs: 2000 });
    const one = connection.send([[Buffer.from("ECHO"), Buffer.from("first")]]);
    const two = connection.send([[Buffer.from("INCR")], [Buffer.from("ECHO"), Buffer.from("third")]]);
    expect(await one).toEqual([{ type: "simple", value: "first" }]);
    expect(await two).toEqual([
      { type: "integer", value: "2" },
      { type: "simple", value: "third" },
    ]);
    connection.close();
  });

  test("send: a dropped connection fails every pending group with a clear error", async () => {
    const port = await fakeServer((socket) => socket.destroy());
    const connection = await RespConnection.open({ host: "127.0.0.1", port, connectTimeoutMs: 2000 });
    const pending = [connection.send([[Buffer.from("PING")]]), connection.send([[Buffer.from("PING")]])];
    for (const p of pending) await expect(p).rejects.toThrow("connection closed by redis-server");
    expect(connection.alive).toBe(false);
    await expect(connection.send([[Buffer.from("PING")]])).rejects.toThrow(
      "connection closed by redis-server",
    );
  });

  test("send: an unreadable reply fails the pending group and closes the connection", async () => {
    const port = await fakeServer((socket) => socket.write("!garbage\r\n"));
    const connection = await RespConnection.open({ host: "127.0.0.1", port, connectTimeoutMs: 2000 });
    await expect(connection.send([[Buffer.from("PING")]])).rejects.toThrow(
      "unreadable reply from redis-server: unexpected reply type byte 0x21",
    );
    expect(connection.alive).toBe(false);
  });

  test("open: nobody listening is a clear error", async () => {
    const port = await freePort();
    await expect(RespConnection.open({ host: "127.0.0.1", port, connectTimeoutMs: 2000 })).rejects.toThrow(
      `cannot connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
