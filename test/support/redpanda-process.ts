/** The Redpanda HTTP Proxy emulator (`local/redpanda/main.ts`) as its own process, for tests that kill it. */
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process";

export interface RedpandaProcessOptions {
  port: number;
  dataDir: string;
  username: string;
  password: string;
  partitions?: number;
}

export function startRedpandaProcess(options: RedpandaProcessOptions): Promise<EmulatorProcess> {
  return startEmulatorProcess("local/redpanda/main.ts", [
    "--port",
    String(options.port),
    "--data",
    options.dataDir,
    "--username",
    options.username,
    "--password",
    options.password,
    "--partitions",
    String(options.partitions ?? 1),
  ]);
}
