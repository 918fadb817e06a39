/**
 * Finding the redis-server binary, and installing it where that is safe to do unattended: as root on
 * Debian or Ubuntu (a container, CI). Everywhere else the error names the exact command to run.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

const EXTRA_DIRS = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of a `redis-server` executable found in PATH or the usual system folders, if any. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, "redis-server");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** What the host looks like, as far as installing redis-server is concerned. */
export interface HostFacts {
  platform: NodeJS.Platform;
  isRoot: boolean;
  isDebianLike: boolean;
}

export type InstallPlan = { kind: "apt" } | { kind: "manual"; message: string };

export const APT_COMMAND = "sudo apt-get install -y redis-server";
export const BREW_COMMAND = "brew install redis";

/** Decides how to get redis-server when it is missing (pure, so it can be tested for every kind of host). */
export function planRedisInstall(host: HostFacts): InstallPlan {
  if (host.platform === "linux" && host.isDebianLike && host.isRoot) return { kind: "apt" };
  const missing = "redis-server was not found (looked in PATH, /usr/bin, /usr/sbin, /usr/local/bin).";
  if (host.platform === "darwin")
    return { kind: "manual", message: `${missing} Install it with: ${BREW_COMMAND}` };
  if (host.platform === "linux" && host.isDebianLike) {
    return { kind: "manual", message: `${missing} Install it with: ${APT_COMMAND}` };
  }
  return {
    kind: "manual",
    message: `${missing} Install Redis 7 with your package manager (on Debian or Ubuntu: ${APT_COMMAND}; on macOS: ${BREW_COMMAND}).`,
  };
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export function detectHost(): HostFacts {
  const osRelease = readOr("/etc/os-release");
  const ids = [...osRelease.matchAll(/^(?:ID|ID_LIKE)=(.*)$/gm)].flatMap((m) =>
    (m[1] ?? "").replace(/["']/g, "").split(/\s+/),
  );
  const isDebianLike =
    readOr("/etc/debian_version") !== "" || ids.includes("debian") || ids.includes("ubuntu");
  return { platform: process.platform, isRoot: process.getuid?.() === 0, isDebianLike };
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, maxBuffer: 64 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err) reject(new Error(`${command} ${args.join(" ")} failed: ${stderr.trim() || err.message}`));
        else resolve();
      },
    );
  });
}

/**
 * Returns the path of redis-server. When it is missing and the host is Debian or Ubuntu and we run as root,
 * installs it with apt-get (saying so through `log`); otherwise throws an Error whose message contains the
 * command to run (`sudo apt-get install -y redis-server`, or `brew install redis` on macOS).
 */
export async function ensureRedisServer(log: (msg: string) => void): Promise<string> {
  const found = findRedisServer();
  if (found) return found;
  const plan = planRedisInstall(detectHost());
  if (plan.kind === "manual") throw new Error(plan.message);
  log(
    "redis-server is missing: installing it with apt-get (apt-get update; apt-get install -y redis-server)",
  );
  await run("apt-get", ["update"]);
  await run("apt-get", ["install", "-y", "redis-server"]);
  const installed = findRedisServer();
  if (!installed)
    throw new Error(`apt-get installed redis-server but it is not on PATH; try: ${APT_COMMAND}`);
  log(`redis-server installed at ${installed}`);
  return installed;
}
