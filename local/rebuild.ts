/**
 * `npm run rebuild`: rebuilds the projection of the system `npm run dev` runs. Reads the live settings from
 * `<LOCAL_STATE_DIR>/stack.env` (default .local), asks the projector for `POST /rebuild` with the admin token, and
 * follows `GET /status` until the rebuild switched or failed (`-- --no-wait` returns at once).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const stateDir = process.env.LOCAL_STATE_DIR ?? ".local";
const wait = !process.argv.includes("--no-wait");

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) env[match[1]] = match[2] ?? "";
  }
  return env;
}

async function main(): Promise<number> {
  const file = join(stateDir, "stack.env");
  const env = parseEnv(
    await readFile(file, "utf8").catch(() => {
      throw new Error(`no ${file}: start the system with \`npm run dev\` first`);
    }),
  );
  const projector = new URL(env.PROJECTOR_URL ?? "http://localhost:8788/projection").origin;
  const headers = { authorization: `Bearer ${env.ADMIN_TOKEN ?? ""}` };
  const res = await fetch(`${projector}/rebuild`, { method: "POST", headers });
  const body = (await res.json()) as { namespace?: string; error?: string };
  if (res.status !== 202) {
    console.error(`POST ${projector}/rebuild answered ${res.status}: ${JSON.stringify(body)}`);
    return 1;
  }
  console.log(`rebuilding into ${body.namespace}`);
  if (!wait) return 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = (await (await fetch(`${projector}/status`, { headers })).json()) as {
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
