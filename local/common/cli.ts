/**
 * What the stand-alone emulator processes (`local/<name>/main.ts`) share on their command line: strict flags,
 * a bad command line answered with the usage line and exit code 2, a start failure with exit code 1, and a
 * clean stop on SIGINT/SIGTERM.
 */
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";

/** A command-line program: `name` starts each of its error lines; `usage` is shown on a bad command line. */
export interface Cli {
  name: string;
  usage: string;
}

/** Reports a bad command line on stderr (`<name>: <message>`, then the usage line) and exits with code 2. */
export function usageError(cli: Cli, message: string): never {
  console.error(`${cli.name}: ${message}\n${cli.usage}`);
  process.exit(2);
}

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** Parses the process's flags strictly (no unknown flags, no positionals); a bad one is a usage error. */
export function parseFlags<T extends FlagOptions>(cli: Cli, options: T) {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (err) {
    return usageError(cli, (err as Error).message);
  }
}

/** The TCP port (0 to 65535, digits only) given as `flag`; `fallback` when absent, a usage error without one. */
export function portFlag(cli: Cli, flag: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) return fallback ?? usageError(cli, `${flag} is required`);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    usageError(cli, `${flag} must be a TCP port (0-65535), got "${raw}"`);
  return port;
}

/** A whole number of at least `min` given as `--name`; `fallback` when absent, a usage error otherwise. */
export function integerFlag(
  cli: Cli,
  name: string,
  raw: string | undefined,
  fallback: number,
  min = 1,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min) usageError(cli, `--${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

/** The flags of an emulator over the Kafka emulator's storage: its data folder and Basic-auth credentials. */
export const STORAGE_FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  data: { type: "string" },
  username: { type: "string" },
  password: { type: "string" },
  partitions: { type: "string" },
} as const;

/** The data folder and credentials given with STORAGE_FLAGS; each is required. */
export function storageFlags(
  cli: Cli,
  values: { data?: string; username?: string; password?: string },
): { data: string; username: string; password: string } {
  const { data, username, password } = values;
  if (!data) return usageError(cli, "--data is required");
  if (!username) return usageError(cli, "--username is required");
  if (password === undefined) return usageError(cli, "--password is required");
  return { data, username, password };
}

/** What STORAGE_FLAGS give a storage emulator's start (the options of `local/kafka/serve-storage.ts` it takes). */
export interface StorageArgs {
  port: number;
  host: string | undefined;
  username: string;
  password: string;
  dataDir: string;
  defaultPartitions: number;
}

/** The flag values `parseFlags` reads for `options`. */
export type FlagValues<T extends FlagOptions> = ReturnType<typeof parseFlags<T>>;

/**
 * The stand-alone process of an emulator over the Kafka emulator's storage (`local/kafka`, `local/redpanda`): reads
 * STORAGE_FLAGS and the emulator's `extra` flags, starts it, prints exactly one line on stdout once it listens
 * (`<name> listening on <url> pid=<pid> data=<dir>`; the pid is the Node process that owns the data, which under
 * tsx is not the tsx wrapper), and closes it on SIGINT/SIGTERM so that in-flight appends are made durable first.
 */
export function runStorageEmulator<T extends FlagOptions>(
  cli: Cli,
  defaultPort: number,
  extra: T,
  start: (
    args: StorageArgs,
    values: FlagValues<typeof STORAGE_FLAGS & T>,
  ) => Promise<{ url: string; close(): Promise<void> }>,
): void {
  runMain(cli, async () => {
    const values = parseFlags(cli, { ...STORAGE_FLAGS, ...extra });
    const common: { port?: string; host?: string; partitions?: string } = values;
    const { data, username, password } = storageFlags(cli, values);
    const dataDir = resolve(data);
    const emulator = await start(
      {
        port: portFlag(cli, "--port", common.port, defaultPort),
        host: common.host,
        username,
        password,
        dataDir,
        defaultPartitions: integerFlag(cli, "partitions", common.partitions, 1),
      },
      values,
    );
    process.stdout.write(`${cli.name} listening on ${emulator.url} pid=${process.pid} data=${dataDir}\n`);
    stopOnSignals(cli, () => emulator.close());
  });
}

/** Runs `main`; if it fails (the emulator could not start), reports why on stderr and exits with code 1. */
export function runMain(cli: Cli, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(`${cli.name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

/**
 * On the first SIGINT or SIGTERM runs `stop`, then exits with 0, or with 1 (the error on stderr) if stopping
 * failed. Signals arriving while it stops are ignored, so a second Ctrl-C cannot cut the clean stop short.
 */
export function stopOnSignals(cli: Cli, stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`${cli.name}: error while stopping on ${signal}:`, err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
