/**
 * `npm run rebuild` run as a user runs it, against a stand-in projector: it finds the settings where `npm run dev`
 * wrote them (LOCAL_STATE_DIR included), and when it cannot go on it says why in words that fit the situation.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/common/ports";
import { writeStackEnv } from "../../local/stack/process";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function rebuild(stateDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ["local/rebuild.ts"],
      { cwd: ROOT, env: { ...process.env, LOCAL_STATE_DIR: stateDir } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A projector that starts a rebuild into `todo:v2` and reports it switched at once. */
function standInProjector(token: string): Server {
  return createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: "no" });
    if (req.method === "POST" && req.url === "/rebuild") return json(202, { namespace: "todo:v2" });
    if (req.method === "GET" && req.url === "/status") {
      return json(200, {
        namespace: "todo:v2",
        rebuild: null,
        lastRebuild: { namespace: "todo:v2", state: "switched" },
      });
    }
    json(404, { error: "no route" });
  });
}

let dir: string;
let projector: Server;
let projectorPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "todo-rebuild-"));
  projector = standInProjector("the-admin-token");
  await new Promise<void>((done) => projector.listen(0, "127.0.0.1", done));
  const address = projector.address();
  projectorPort = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise((done) => projector?.close(done));
  await rm(dir, { recursive: true, force: true });
});

describe("npm run rebuild", () => {
  it("rebuild: reads stack.env from LOCAL_STATE_DIR and follows the rebuild until it switched", async () => {
    const stateDir = join(dir, "running");
    await writeStackEnv(stateDir, {
      PROJECTOR_URL: `http://127.0.0.1:${projectorPort}/projection`,
      ADMIN_TOKEN: "the-admin-token",
    });

    const run = await rebuild(stateDir);

    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("rebuilding into todo:v2");
    expect(run.stdout).toContain("switched: todo:v2 is live");
  });

  it("rebuild: no stack.env names the file and LOCAL_STATE_DIR, since npm run dev may run with another", async () => {
    const stateDir = join(dir, "empty");

    const run = await rebuild(stateDir);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(join(stateDir, "stack.env"));
    expect(run.stderr).toContain("LOCAL_STATE_DIR");
  });

  it("rebuild: a projector that does not answer means npm run dev stopped, and the settings are from its last run", async () => {
    const stateDir = join(dir, "stopped");
    await writeStackEnv(stateDir, {
      PROJECTOR_URL: `http://127.0.0.1:${await freePort()}/projection`,
      ADMIN_TOKEN: "the-admin-token",
    });

    const run = await rebuild(stateDir);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not answer/);
    expect(run.stderr).toMatch(/npm run dev.* no longer running/);
  });

  it("rebuild: settings from npm run dev:stack (no workers) say the rebuild needs npm run dev", async () => {
    const stateDir = join(dir, "stack-only");
    await writeStackEnv(stateDir, { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", ADMIN_TOKEN: "x" });

    const run = await rebuild(stateDir);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/dev:stack/);
    expect(run.stderr).toMatch(/needs `npm run dev`/);
  });
});
