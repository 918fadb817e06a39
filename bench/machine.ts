/** What the numbers were measured on: machine, load, versions, commit and date. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  date: string;
  host: { platform: string; release: string; cpus: number; cpuModel: string; memoryGiB: number };
  /** 1-minute load average when the run started and ended: a busy machine explains slow absolute times. */
  load: { start: number; end?: number };
  versions: Record<string, string>;
  commit: string;
}

function packageVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")) as {
      version?: string;
    };
    return json.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function command(bin: string, args: string[]): string {
  try {
    return execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const redis = /v=(\S+)/.exec(command("redis-server", ["--version"]))?.[1] ?? "unknown";
  const dirty = command("git", ["status", "--porcelain", "--untracked-files=no"]) !== "";
  return {
    date: new Date().toISOString(),
    host: {
      platform: `${os.platform()} ${os.arch()}`,
      release: os.release(),
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    load: { start: os.loadavg()[0] ?? 0 },
    versions: {
      node: process.versions.node,
      workerd: packageVersion("workerd"),
      miniflare: packageVersion("miniflare"),
      wrangler: packageVersion("wrangler"),
      hono: packageVersion("hono"),
      "@upstash/redis": packageVersion("@upstash/redis"),
      "@upstash/qstash": packageVersion("@upstash/qstash"),
      "redis-server": redis,
    },
    commit: `${command("git", ["rev-parse", "--short", "HEAD"])}${dirty ? " (with uncommitted changes)" : ""}`,
  };
}

export function loadNow(): number {
  return os.loadavg()[0] ?? 0;
}
