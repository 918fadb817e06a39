/**
 * The Kafka REST emulator as its own process (`local/kafka/main.ts` through tsx), for tests that kill it:
 * started on a port and data folder of the caller's choosing, so a restart after `kill -9` serves the same log
 * at the same URL. The pid a test kills is the one the ready line prints (the Node process that owns the data),
 * not the tsx wrapper's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

export interface KafkaProcessOptions {
  port: number;
  dataDir: string;
  username: string;
  password: string;
  /** Partitions of a topic created by its first produce (the emulator's default otherwise). */
  partitions?: number;
}

export interface KafkaProcess {
  url: string;
  /** The Node process that owns the log (from the ready line). */
  pid: number;
  /** Resolves with the wrapper's exit code once the process tree is gone. */
  exited: Promise<number | null>;
  /** SIGKILLs the emulator itself, as a crash would, and waits until it is gone. */
  kill9(): Promise<void>;
  /** Stops it cleanly (SIGTERM), if it still runs. */
  stop(): Promise<void>;
}

/** Starts the emulator and resolves once it prints its ready line; rejects if it exits first. */
export async function startKafkaProcess(options: KafkaProcessOptions): Promise<KafkaProcess> {
  const args = ["local/kafka/main.ts", "--port", String(options.port), "--data", options.dataDir];
  if (options.partitions !== undefined) args.push("--partitions", String(options.partitions));
  const child: ChildProcess = spawn(
    TSX,
    [...args, "--username", options.username, "--password", options.password],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /listening on (\S+) pid=(\d+)/.exec(stdout);
      if (match) resolve(match);
    });
    exited.then((code) =>
      reject(new Error(`kafka emulator exited with ${code} before it was ready:\n${stderr}`)),
    );
  });
  const pid = Number(ready[2]);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    url: ready[1] ?? "",
    pid,
    exited,
    async kill9() {
      process.kill(pid, "SIGKILL");
      await exited;
    },
    async stop() {
      if (!alive()) return;
      process.kill(pid, "SIGTERM");
      await exited;
    },
  };
}
