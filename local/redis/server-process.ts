/**
 * A real redis-server as a child process: loopback only, data in `dir` with an append-only file, so a developer's
 * projection survives restarts of the local stack. The file is fsynced every second by default; with
 * `fsync: "always"` before every reply, so an acknowledged write survives `kill -9` (what the stack uses when the
 * event log itself lives in this Redis).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { RespConnection } from "./connection";
import { detectHost, findRedisServer, planRedisInstall } from "./install";

export { ensureRedisServer, findRedisServer } from "./install";

export interface RedisServerOptions {
  port: number;
  /** Data folder (created if missing): the append-only files and RDB snapshots live here. */
  dir: string;
  /** Path of the redis-server binary; default: found by findRedisServer(). */
  bin?: string;
  /** How long to wait for the server to answer PING. Default 10 s. */
  startTimeoutMs?: number;
  /** `appendfsync`: "everysec" (default) loses up to a second of writes on a crash; "always" loses none. */
  fsync?: "always" | "everysec";
}

export interface RedisServerProcess {
  port: number;
  pid: number;
  /** SIGTERM (redis-server syncs its files and exits), then SIGKILL if it is still there after 10 s. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL) and, unless it is a stop/continue signal, waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const TAIL_BYTES = 8 * 1024;
const EXIT_WAIT_MS = 10_000;
const NON_TERMINATING: readonly NodeJS.Signals[] = ["SIGSTOP", "SIGCONT", "SIGTSTP"];

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Keeps the last few KiB of the child's output, for error messages. */
function captureTail(child: ChildProcess): () => string {
  let tail = "";
  const add = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-TAIL_BYTES);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => tail.trim();
}

/** True once the server on `port` answers PING and is our child (not another server on the same port). */
async function answersAsChild(port: number, pid: number): Promise<boolean> {
  let connection: RespConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    connection = await RespConnection.open({ host: "127.0.0.1", port, connectTimeoutMs: 500 });
    const probe = connection;
    // Something that is not redis-server may hold the port and never answer: give up on it, do not hang.
    timer = setTimeout(() => probe.close(), 500);
    const [pong, info] = await probe.send([
      [Buffer.from("PING")],
      [Buffer.from("INFO"), Buffer.from("server")],
    ]);
    const text = info?.type === "bulk" && info.value ? info.value.toString("utf8") : "";
    return (
      pong?.type === "simple" &&
      pong.value === "PONG" &&
      new RegExp(`^process_id:${pid}\\r?$`, "m").test(text)
    );
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    connection?.close();
  }
}

/**
 * Starts redis-server bound to 127.0.0.1 on `port` with its data in `dir`, and resolves once it answers PING.
 * Rejects with the server's own output when it exits early (port taken, bad folder) or is not ready in time.
 */
export async function startRedisServer(opts: RedisServerOptions): Promise<RedisServerProcess> {
  const bin = opts.bin ?? findRedisServer();
  if (!bin) {
    const plan = planRedisInstall(detectHost());
    throw new Error(
      plan.kind === "manual" ? plan.message : "redis-server is not installed; call ensureRedisServer()",
    );
  }
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  // biome-ignore format: flag/value pairs read best side by side
  const args = [
    "--port", String(opts.port),
    "--bind", "127.0.0.1",
    "--protected-mode", "yes",
    "--daemonize", "no",
    "--dir", dir,
    "--appendonly", "yes",
    "--appendfsync", opts.fsync ?? "everysec",
  ];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = captureTail(child);
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once("exit", (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      resolveExit();
    });
    child.once("error", (err) => {
      exitInfo = err.message;
      resolveExit();
    });
  });
  // If this Node process exits without stopping the server, do not leave it behind.
  const onParentExit = () => child.kill("SIGTERM");
  process.on("exit", onParentExit);
  void exited.then(() => process.off("exit", onParentExit));

  /** Resolves true when the child has exited, false after EXIT_WAIT_MS. */
  const waitExit = (): Promise<boolean> =>
    new Promise((resolveWait) => {
      const timer = setTimeout(() => resolveWait(false), EXIT_WAIT_MS);
      void exited.then(() => {
        clearTimeout(timer);
        resolveWait(true);
      });
    });

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (exitInfo !== undefined) {
      throw new Error(
        `redis-server on port ${opts.port} exited (${exitInfo}) before it was ready:\n${output()}`,
      );
    }
    if (child.pid !== undefined && (await answersAsChild(opts.port, child.pid))) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await waitExit();
      throw new Error(`redis-server on port ${opts.port} did not answer PING in time:\n${output()}`);
    }
    await sleep(50);
  }
  const pid = child.pid ?? -1;

  return {
    port: opts.port,
    pid,
    async stop() {
      if (exitInfo !== undefined) return;
      child.kill("SIGTERM");
      if (await waitExit()) return;
      child.kill("SIGKILL");
      await exited;
    },
    async kill(signal: NodeJS.Signals = "SIGKILL") {
      if (exitInfo !== undefined) return;
      child.kill(signal);
      if (NON_TERMINATING.includes(signal)) return;
      if (!(await waitExit())) throw new Error(`redis-server (pid ${pid}) did not exit after ${signal}`);
    },
  };
}
