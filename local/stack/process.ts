/** Process plumbing shared by the launchers: structured log lines, the stack.env file, clean shutdown. */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { renderEnvFile } from "./start";

/** One structured log line: `time component message {json fields}`. */
export function logLine(component: string, message: string, fields?: Record<string, unknown>): void {
  const time = new Date().toISOString().slice(11, 23);
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
  console.log(`${time} ${component.padEnd(9)} ${message}${extra}`);
}

/** Where the launchers leave the live settings: `<stateDir>/stack.env` (stateDir is `LOCAL_STATE_DIR`). */
export function stackEnvFile(stateDir: string): string {
  return join(resolve(stateDir), "stack.env");
}

/** Writes `<stateDir>/stack.env` atomically and returns its path. */
export async function writeStackEnv(stateDir: string, env: Record<string, string>): Promise<string> {
  await mkdir(resolve(stateDir), { recursive: true });
  const file = stackEnvFile(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, renderEnvFile(env));
  await rename(tmp, file);
  return file;
}

/** The settings a launcher wrote to `<stateDir>/stack.env`; undefined when there is no such file. */
export async function readStackEnv(stateDir: string): Promise<Record<string, string> | undefined> {
  const text = await readFile(stackEnvFile(stateDir), "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) env[match[1]] = match[2] ?? "";
  }
  return env;
}

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. A second signal while stopping exits at once
 * (children are still sent their signal by their own cleanup handlers).
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logLine("stack", `${signal}: stopping`);
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
