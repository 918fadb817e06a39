/**
 * `npm run dev` with a worker gone: the launcher says so loudly and stops everything with a non-zero exit, rather
 * than run half a system whose only sign of trouble is a failing cron line. The workers here are real child
 * processes that exit on their own (or are stopped on purpose), wrapped as the launcher wraps `wrangler dev`.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { superviseWorkers } from "../../local/stack/supervise";
import type { WorkerProcess } from "../../local/stack/workers";

/** A child running `script`, as a worker of the launcher. */
function worker(name: string, script: string): WorkerProcess {
  const child = spawn(process.execPath, ["-e", script], { stdio: "ignore" });
  return {
    name,
    url: "http://127.0.0.1:9",
    child,
    recentLines: () => [`${name}: last words`],
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    },
  };
}

const STAYS = "setInterval(() => {}, 1000)";

describe("the launcher's supervision", () => {
  it("a worker that exits: named loudly with its exit code and last lines, everything stopped, exit code 1", async () => {
    const survivor = worker("command", STAYS);
    const dying = worker("projector", "process.exit(3)");
    const lines: string[] = [];
    let stopped = false;
    const exited = new Promise<number>((exit) => {
      superviseWorkers([survivor, dying], {
        log: (message) => lines.push(message),
        stopAll: async () => {
          stopped = true;
          await survivor.stop();
        },
        exit,
      });
    });

    expect(await exited).toBe(1);
    expect(stopped).toBe(true);
    expect(survivor.child.exitCode ?? survivor.child.signalCode).not.toBeNull();
    const said = lines.join("\n");
    expect(said).toMatch(/the projector worker exited \(exit code 3\)/);
    expect(said).toMatch(/stopping everything/);
    expect(said).toContain("projector: last words");
  });

  it("a worker stopped on purpose after release: nothing is said and nothing else is stopped", async () => {
    const w = worker("command", STAYS);
    let reacted = false;
    const supervision = superviseWorkers([w], {
      log: () => {
        reacted = true;
      },
      stopAll: async () => {
        reacted = true;
      },
      exit: () => {
        reacted = true;
      },
    });

    supervision.release();
    await w.stop();

    expect(reacted).toBe(false);
  });
});
