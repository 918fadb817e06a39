/**
 * The launcher's watch over its workers. `npm run dev` is one system: with a worker gone it is not a smaller
 * system but a broken one whose only sign is a failing cron line, so the first worker that exits on its own
 * stops everything, loudly, with a non-zero exit code. Restarting it instead would hide a crash loop.
 */
import type { WorkerProcess } from "./workers";

export interface SupervisionHooks {
  /** Where the loud message goes (the launcher's stderr). */
  log(message: string): void;
  /** Stops every worker and the stack. */
  stopAll(): Promise<void>;
  /** Ends the launcher with this code once everything is stopped. */
  exit(code: number): void;
}

export interface Supervision {
  /** Stops watching: call it before stopping the workers on purpose, so their exits are not taken for a crash. */
  release(): void;
}

function describeExit(worker: WorkerProcess): string {
  const { exitCode, signalCode } = worker.child;
  return exitCode !== null ? `exit code ${exitCode}` : `signal ${signalCode ?? "unknown"}`;
}

/** Watches `workers` until released; the first one to exit stops everything (see the module comment). */
export function superviseWorkers(workers: readonly WorkerProcess[], hooks: SupervisionHooks): Supervision {
  let watching = true;
  const detach: Array<() => void> = [];
  const release = () => {
    watching = false;
    for (const off of detach.splice(0)) off();
  };
  const died = (worker: WorkerProcess) => {
    if (!watching) return;
    release();
    const last = worker.recentLines();
    hooks.log(
      [
        `the ${worker.name} worker exited (${describeExit(worker)}): npm run dev cannot run without it, stopping everything.`,
        ...(last.length > 0 ? [`its last lines:`, ...last.map((line) => `  ${line}`)] : []),
        "Fix the cause and start `npm run dev` again.",
      ].join("\n"),
    );
    hooks.stopAll().then(
      () => hooks.exit(1),
      (err: unknown) => {
        hooks.log(`stopping after the ${worker.name} worker exited failed too: ${(err as Error).message}`);
        hooks.exit(1);
      },
    );
  };
  for (const worker of workers) {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
      queueMicrotask(() => died(worker));
      continue;
    }
    const onExit = () => died(worker);
    worker.child.once("exit", onExit);
    detach.push(() => worker.child.off("exit", onExit));
  }
  return { release };
}
