/** Process plumbing shared by the launchers: structured log lines, the stack.env file, clean shutdown. */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { renderEnvFile } from "./start";

/** One structured log line: `time component message {json fields}`. */
export function logLine(component: string, message: string, fields?: Record<string, unknown>): void {
  const time = new Date().toISOString().slice(11, 23);
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
  console.log(`${time} ${component.padEnd(9)} ${message}${extra}`);
}

/** Writes `<stateDir>/stack.env` atomically and returns its path. */
export async function writeStackEnv(stateDir: string, env: Record<string, string>): Promise<string> {
  const dir = resolve(stateDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, "stack.env");
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, renderEnvFile(env));
  await rename(tmp, file);
  return file;
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
