/**
 * Runs the QStash emulator alone:
 *   tsx local/qstash/main.ts --port 8081 --token T --current sig_A --next sig_B [--time-scale 0.01] [--host H] [--quiet]
 * Missing options fall back to QSTASH_TOKEN, QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY.
 * Prints one ready line, then one line per delivery attempt (unless --quiet); stops cleanly on SIGINT/SIGTERM.
 * A bad command line exits with code 2 and the usage line.
 */
import { type Cli, parseFlags, portFlag, runMain, stopOnSignals, usageError } from "../common/cli";
import { startQStashEmulator } from "./rest";

const CLI: Cli = {
  name: "qstash",
  usage:
    "usage: tsx local/qstash/main.ts --token T --current sig_A --next sig_B [--port 8081] [--host H] [--time-scale N] [--quiet]",
};

function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    usageError(CLI, `--${name} must be a non-negative number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const values = parseFlags(CLI, {
    port: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    current: { type: "string" },
    next: { type: "string" },
    "time-scale": { type: "string" },
    quiet: { type: "boolean", default: false },
  });
  const port = portFlag(CLI, "--port", values.port, 8081);
  const token =
    values.token ?? process.env.QSTASH_TOKEN ?? usageError(CLI, "--token (or QSTASH_TOKEN) is required");
  const current =
    values.current ??
    process.env.QSTASH_CURRENT_SIGNING_KEY ??
    usageError(CLI, "--current (or QSTASH_CURRENT_SIGNING_KEY) is required");
  const next =
    values.next ??
    process.env.QSTASH_NEXT_SIGNING_KEY ??
    usageError(CLI, "--next (or QSTASH_NEXT_SIGNING_KEY) is required");
  const timeScale = numberOption("time-scale", values["time-scale"], 1);

  const emulator = await startQStashEmulator({
    port,
    ...(values.host !== undefined && { host: values.host }),
    token,
    currentSigningKey: current,
    nextSigningKey: next,
    timeScale,
    ...(!values.quiet && { log: (line: string) => console.log(line) }),
  });
  console.log(`qstash emulator ready at ${emulator.url}`);

  stopOnSignals(CLI, async (signal) => {
    console.log(`qstash: ${signal}, stopping`);
    await emulator.close();
  });
}

runMain(CLI, main);
