/**
 * An emulator as its own process (`local/<name>/main.ts` through tsx), for tests that kill it: started with the
 * caller's flags, so a restart after `kill -9` serves the same data at the same URL. The pid a test kills is
 * the one the ready line prints (the Node process that owns the data), not the tsx wrapper's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

export interface EmulatorProcess {
  url: string;
  /** The Node process that owns the data (from the ready line). */
  pid: number;
  /** Resolves with the wrapper's exit code once the process tree is gone. */
  exited: Promise<number | null>;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** SIGKILLs the emulator itself, as a crash would, and waits until it is gone. */
  kill9(): Promise<void>;
  /** Stops it cleanly (SIGTERM), if it still runs. */
  stop(): Promise<void>;
}

/** Starts `script` (relative to the repository) and resolves once it prints `listening on <url> pid=<pid>`. */
export async function startEmulatorProcess(
  script: string,
  args: readonly string[],
): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(TSX, [script, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
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
    exited.then((code) => reject(new Error(`${script} exited with ${code} before it was ready:\n${stderr}`)));
  });
  const pid = Number(ready[2]);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    url: ready[1] ?? "",
    pid,
    exited,
    stderr: () => stderr,
    async kill9() {
      if (!alive()) return;
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
