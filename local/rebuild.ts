/**
 * `npm run rebuild`: rebuilds the projection of the system `npm run dev` runs. Reads the live settings from
 * `<LOCAL_STATE_DIR>/stack.env` (default .local), asks the projector for `POST /rebuild` with the admin token, and
 * follows `GET /status` until the rebuild switched or failed (`-- --no-wait` returns at once).
 */
import { loadStackConfig } from "./stack/config";
import { readStackEnv, stackEnvFile } from "./stack/process";

const wait = !process.argv.includes("--no-wait");

/** The projector of the running `npm run dev`, found the way the launcher left it (LOCAL_STATE_DIR included). */
async function runningProjector(): Promise<{ projector: string; env: Record<string, string>; file: string }> {
  // The same reading of LOCAL_STATE_DIR as the launcher's, so both name the same folder.
  const { stateDir } = loadStackConfig(process.env);
  const file = stackEnvFile(stateDir);
  const env = await readStackEnv(stateDir);
  if (env === undefined) {
    throw new Error(
      `no ${file}. \`npm run dev\` writes it once the system is up: start it, or, if it runs with LOCAL_STATE_DIR set, run this with the same LOCAL_STATE_DIR`,
    );
  }
  if (env.PROJECTOR_URL === undefined) {
    throw new Error(
      `${file} was written by \`npm run dev:stack\`, which runs no workers: a rebuild needs \`npm run dev\``,
    );
  }
  return { projector: new URL(env.PROJECTOR_URL).origin, env, file };
}

/** `fetch`, with a refusal that says what an unreachable projector means here. */
async function call(url: string, init: RequestInit, file: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new Error(
      `the projector at ${new URL(url).origin} does not answer (${(err as Error).message}): the \`npm run dev\` that wrote ${file} is no longer running; start it again`,
    );
  }
}

async function main(): Promise<number> {
  const { projector, env, file } = await runningProjector();
  const headers = { authorization: `Bearer ${env.ADMIN_TOKEN ?? ""}` };
  const res = await call(`${projector}/rebuild`, { method: "POST", headers }, file);
  const body = (await res.json()) as { namespace?: string; error?: string };
  if (res.status !== 202) {
    console.error(`POST ${projector}/rebuild answered ${res.status}: ${JSON.stringify(body)}`);
    return 1;
  }
  console.log(`rebuilding into ${body.namespace}`);
  if (!wait) return 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = (await (await call(`${projector}/status`, { headers }, file)).json()) as {
      namespace: string;
      rebuild: { lag: number; eventsPerSecond: number; estimatedFinish?: string } | null;
      lastRebuild: { namespace: string; state: string; reason?: string } | null;
    };
    const { rebuild, lastRebuild } = status;
    if (rebuild) {
      console.log(
        `  ${rebuild.lag} events to go, ${rebuild.eventsPerSecond} events/s, done by ${rebuild.estimatedFinish ?? "?"}`,
      );
      continue;
    }
    if (!lastRebuild || lastRebuild.namespace !== body.namespace) continue;
    if (lastRebuild.state === "switched") {
      console.log(`switched: ${status.namespace} is live`);
      return 0;
    }
    console.error(`failed, the live namespace is untouched: ${lastRebuild.reason ?? "no reason given"}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`rebuild: ${(err as Error).message}`);
    process.exit(1);
  },
);
