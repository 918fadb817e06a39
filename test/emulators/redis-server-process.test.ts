/**
 * The redis-server child process: how it is configured, that its data survives a restart, that start-up
 * failures are explained, and how a missing binary is handled on each kind of host.
 */
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../../local/common/ports";
import { RespConnection } from "../../local/redis/connection";
import { APT_COMMAND, BREW_COMMAND, planRedisInstall } from "../../local/redis/install";
import type { RespReply } from "../../local/redis/resp";
import { findRedisServer, startRedisServer } from "../../local/redis/server-process";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "redis-server-process-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function command(port: number, ...args: string[]): Promise<RespReply | undefined> {
  const connection = await RespConnection.open({ host: "127.0.0.1", port, connectTimeoutMs: 2000 });
  try {
    const [reply] = await connection.send([args.map((a) => Buffer.from(a))]);
    return reply;
  } finally {
    connection.close();
  }
}

function bulks(reply: RespReply | undefined): string[] {
  if (reply?.type !== "array" || !reply.value) return [];
  return reply.value.map((r) => (r.type === "bulk" && r.value ? r.value.toString() : ""));
}

describe("startRedisServer", () => {
  test("start: loopback only, protected, append-only every second, data in the given folder", async () => {
    const port = await freePort();
    const server = await startRedisServer({ port, dir: join(dir, "config") });
    try {
      const config = bulks(await command(port, "CONFIG", "GET", "*"));
      const get = (name: string) => config[config.indexOf(name) + 1];
      expect({
        bind: get("bind"),
        port: get("port"),
        "protected-mode": get("protected-mode"),
        daemonize: get("daemonize"),
        appendonly: get("appendonly"),
        appendfsync: get("appendfsync"),
        dir: get("dir"),
      }).toEqual({
        bind: "127.0.0.1",
        port: String(port),
        "protected-mode": "yes",
        daemonize: "no",
        appendonly: "yes",
        appendfsync: "everysec",
        dir: join(dir, "config"),
      });
      expect(server.port).toBe(port);
      expect(server.pid).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });

  test("stop/start: data survives a graceful restart in the same folder", async () => {
    const port = await freePort();
    const data = join(dir, "restart");
    const first = await startRedisServer({ port, dir: data });
    await command(port, "SET", "survivor", "still here");
    await first.stop();
    const second = await startRedisServer({ port, dir: data });
    try {
      expect(await command(port, "GET", "survivor")).toEqual({
        type: "bulk",
        value: Buffer.from("still here"),
      });
    } finally {
      await second.stop();
    }
  });

  test("start: a port taken by another program is an error with redis-server's own explanation", async () => {
    // A program that accepts connections and never answers (it reads, so that it notices when they close).
    const blocker = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      await expect(startRedisServer({ port, dir: join(dir, "taken") })).rejects.toThrow(
        new RegExp(
          `^redis-server on port ${port} exited \\(code 1\\) before it was ready:\\n[\\s\\S]*Address already in use`,
        ),
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test("start: another redis-server on the port is not mistaken for its own", async () => {
    const port = await freePort();
    const owner = await startRedisServer({ port, dir: join(dir, "owner") });
    try {
      await expect(startRedisServer({ port, dir: join(dir, "intruder") })).rejects.toThrow(
        /Address already in use/,
      );
    } finally {
      await owner.stop();
    }
  });

  test("kill: SIGKILL ends the server, and the port is free for a new one", async () => {
    const port = await freePort();
    const data = join(dir, "killed");
    const server = await startRedisServer({ port, dir: data });
    await server.kill("SIGKILL");
    await expect(command(port, "PING")).rejects.toThrow("ECONNREFUSED");
    const again = await startRedisServer({ port, dir: data });
    try {
      expect(await command(port, "PING")).toEqual({ type: "simple", value: "PONG" });
    } finally {
      await again.stop();
    }
  });
});

describe("finding and installing redis-server", () => {
  test("findRedisServer: finds the installed executable", () => {
    const found = findRedisServer();
    expect(found).toMatch(/\/redis-server$/);
    expect(() => accessSync(found ?? "", constants.X_OK)).not.toThrow();
  });

  test("planRedisInstall: installs with apt only as root on Debian or Ubuntu; otherwise names the command", () => {
    expect(planRedisInstall({ platform: "linux", isRoot: true, isDebianLike: true })).toEqual({
      kind: "apt",
    });
    const notRoot = planRedisInstall({ platform: "linux", isRoot: false, isDebianLike: true });
    const mac = planRedisInstall({ platform: "darwin", isRoot: true, isDebianLike: false });
    const other = planRedisInstall({ platform: "linux", isRoot: true, isDebianLike: false });
    expect(notRoot).toEqual({
      kind: "manual",
      message: `redis-server was not found (looked in PATH, /usr/bin, /usr/sbin, /usr/local/bin). Install it with: ${APT_COMMAND}`,
    });
    expect(mac).toEqual({
      kind: "manual",
      message: `redis-server was not found (looked in PATH, /usr/bin, /usr/sbin, /usr/local/bin). Install it with: ${BREW_COMMAND}`,
    });
    expect(other.kind === "manual" && other.message.includes(APT_COMMAND)).toBe(true);
    expect(APT_COMMAND).toBe("sudo apt-get install -y redis-server");
    expect(BREW_COMMAND).toBe("brew install redis");
  });
});
