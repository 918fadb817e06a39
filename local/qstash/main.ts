/**
 * Runs the QStash emulator alone:
 *   tsx local/qstash/main.ts --port 8081 --token T --current sig_A --next sig_B [--time-scale 0.01] [--host H] [--quiet]
 * Missing options fall back to QSTASH_TOKEN, QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY.
 * Prints one ready line, then one line per delivery attempt (unless --quiet); stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startQStashEmulator } from "./rest";

function fail(message: string): never {
  console.error(`qstash: ${message}`);
  process.exit(2);
}

function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    fail(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      token: { type: "string" },
      current: { type: "string" },
      next: { type: "string" },
      "time-scale": { type: "string" },
      quiet: { type: "boolean", default: false },
    },
    strict: true,
  });
  const port = numberOption("port", values.port, 8081);
  if (!Number.isInteger(port) || port > 65535) fail(`--port must be a TCP port, got "${values.port}"`);
  const token = values.token ?? process.env.QSTASH_TOKEN ?? fail("--token (or QSTASH_TOKEN) is required");
  const current =
    values.current ??
    process.env.QSTASH_CURRENT_SIGNING_KEY ??
    fail("--current (or QSTASH_CURRENT_SIGNING_KEY) is required");
  const next =
    values.next ??
    process.env.QSTASH_NEXT_SIGNING_KEY ??
    fail("--next (or QSTASH_NEXT_SIGNING_KEY) is required");

  const emulator = await startQStashEmulator({
    port,
    ...(values.host !== undefined && { host: values.host }),
    token,
    currentSigningKey: current,
    nextSigningKey: next,
    timeScale: numberOption("time-scale", values["time-scale"], 1),
    ...(!values.quiet && { log: (line: string) => console.log(line) }),
  });
  console.log(`qstash emulator ready at ${emulator.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`qstash: ${signal}, stopping`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`qstash: ${(err as Error).message}`);
  process.exit(1);
});
