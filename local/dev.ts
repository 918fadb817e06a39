/**
 * `npm run dev`: the whole system on this machine. Starts the local stack, then both workers under
 * `wrangler dev`, wired to each other; fires the projector's scheduled handler periodically (wrangler dev
 * never fires crons by itself); writes the live settings to .local/stack.env. Ctrl-C stops everything; so does a
 * worker that exits on its own, loudly and with exit code 1 (see stack/supervise.ts).
 */

import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { loadStackConfig } from "./stack/config";
import { logLine, onShutdown, writeStackEnv } from "./stack/process";
import { renderEnvFile, startStack } from "./stack/start";
import { type Supervision, superviseWorkers } from "./stack/supervise";
import { devWorkerEnv, startWranglerDev, type WorkerProcess, waitForHttp } from "./stack/workers";

const env = process.env;
const config = loadStackConfig(env);
const commandPort = Number(env.LOCAL_COMMAND_PORT ?? "8787");
const projectorPort = Number(env.LOCAL_PROJECTOR_PORT ?? "8788");
const cronMs = Number(env.LOCAL_CRON_INTERVAL_MS ?? "15000");

const workers: WorkerProcess[] = [];
let cronTimer: NodeJS.Timeout | undefined;
let stack: Awaited<ReturnType<typeof startStack>> | undefined;
let supervision: Supervision | undefined;

async function stopAll(): Promise<void> {
  supervision?.release();
  if (cronTimer) clearInterval(cronTimer);
  await Promise.all(workers.map((w) => w.stop()));
  await stack?.stop();
}
onShutdown(stopAll);

function workerLine(name: string) {
  return (line: string) => {
    const trimmed = line.trim();
    // The workers log one JSON object per step; wrangler's own chatter is kept short.
    // Offline, wrangler cannot fetch the `Request.cf` placeholder and says so on every start; and the launcher
    // fires the cron itself. Neither message helps here.
    if (/Request\.cf|workers\.cloudflare\.com|not automatically triggered/.test(trimmed)) return;
    if (trimmed.startsWith("{")) logLine(name, trimmed);
    else if (/error|warn|ready on/i.test(trimmed)) logLine(name, stripVTControlCharacters(trimmed));
  };
}

try {
  stack = await startStack(config, { log: (msg) => logLine("stack", msg), logDeliveries: true });
  const projectorUrl = `http://localhost:${projectorPort}/projection`;
  const workerEnv = devWorkerEnv(stack.env, {
    topic: config.kafkaTopic,
    projectorUrl,
    liveUrl: `http://127.0.0.1:${commandPort}/live`,
  });
  const envFile = join(resolve(config.stateDir), "workers.env");
  await writeFile(envFile, renderEnvFile(workerEnv));
  for (const [name, port] of [
    ["projector", projectorPort],
    ["command", commandPort],
  ] as const) {
    workers.push(
      startWranglerDev({
        name,
        config: `wrangler.${name}.toml`,
        port,
        envFile,
        persistTo: join(resolve(config.stateDir), "wrangler"),
        onLine: workerLine(name),
      }),
    );
  }
  await Promise.all(workers.map((w) => waitForHttp(`${w.url}/health`, w)));
  supervision = superviseWorkers(workers, {
    log: (message) => console.error(`\n${message.replace(/^/gm, "dev!      ")}\n`),
    stopAll,
    exit: (code) => process.exit(code),
  });
  const graphqlUrl = `http://localhost:${commandPort}/graphql`;
  const stackEnv = await writeStackEnv(config.stateDir, { ...workerEnv, GRAPHQL_URL: graphqlUrl });

  cronTimer = setInterval(() => {
    fetch(`http://127.0.0.1:${projectorPort}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(
      (err: unknown) => logLine("cron", `scheduled handler call failed: ${(err as Error).message}`),
    );
  }, cronMs);

  logLine("dev", "ready", {
    eventLog: config.eventLog,
    graphql: graphqlUrl,
    projector: projectorUrl,
    env: stackEnv,
    cronEveryMs: cronMs,
  });
  console.log(
    `\n  To-do app: ${new URL("/", graphqlUrl).href}\n  GraphQL:   ${graphqlUrl}   (GraphiQL in a browser)\n  Projector: ${projectorUrl}\n  Event log: ${config.eventLog}\n  Settings:  ${stackEnv}\n  Ctrl-C stops everything.\n`,
  );
} catch (err) {
  console.error(`dev: ${(err as Error).message}`);
  await stopAll();
  process.exit(1);
}
