/**
 * A CPU profile of the command worker's `createTask` in workerd: the worker bundled as the tests run it, in
 * Miniflare, every call it makes (Upstash Redis, Kafka, QStash) answered in this process by fake-upstash.ts, so the
 * profile holds only the isolate's own work; V8's sampling profiler is driven over workerd's inspector (the DevTools
 * protocol). Prints the self time of the heaviest functions and the time spent in each source file (inclusive),
 * from the bundle's per-module markers, and writes the profile (Chrome's DevTools opens it). The sampler counts
 * wall time while JavaScript is on the stack (a write to a full pipe, say), so before it the workerd process's
 * own CPU per create is read from /proc, in blocks: that figure is the one to compare between two checkouts.
 * Usage: `npx tsx bench/workerd-profile.ts [creates] [sampling µs] [blocks]` (defaults 2000, 50 and 7).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Response } from "miniflare";
import WebSocket from "ws";
import { freePort } from "../local/common/ports";
import { bundleWorker } from "../local/workerd/bundle";
import { startWorkerOnFreePort } from "../local/workerd/worker";
import { cpuSince, readCpu } from "./cpu";
import { bodyOf, FAKE_BINDINGS, fakeAnswer } from "./fake-upstash";

const ENTRY = "workers/command/index.ts";
const creates = Number(process.argv[2] ?? 2000);
const samplingUs = Number(process.argv[3] ?? 50);
const blocks = Number(process.argv[4] ?? 7);
const CREATE = "mutation ($text: String!) { createTask(text: $text) { id text done } }";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The DevTools protocol over one WebSocket: each call answers its result. */
function devtools(
  url: string,
): Promise<{ call(method: string, params?: object): Promise<unknown>; close(): void }> {
  const socket = new WebSocket(url);
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return;
    if (message.error) throw new Error(`inspector: ${message.error.message}`);
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.once("open", () =>
      resolve({
        call: (method, params = {}) =>
          new Promise((answer) => {
            const id = ++next;
            waiting.set(id, answer);
            socket.send(JSON.stringify({ id, method, params }));
          }),
        close: () => socket.close(),
      }),
    );
  });
}

/** For each line of the bundle, the source file esbuild's `// path` marker before it names. */
function filesByLine(bundle: string): string[] {
  const files: string[] = [];
  let current = "(bundle)";
  for (const line of bundle.split("\n")) {
    const marker = /^\/\/ ((?:\.\.\/)*[\w@./-]+\.[cm]?[jt]s)$/.exec(line);
    if (marker?.[1]) current = marker[1].replace(/^(\.\.\/)+/, "").replace(/^.*node_modules\//, "");
    files.push(current);
  }
  return files;
}

const offsets = { next: 0 };
const inspectorPort = await freePort();
const bundle = await bundleWorker(ENTRY);
const { mf, port } = await startWorkerOnFreePort(ENTRY, () => ({ ...FAKE_BINDINGS }), {
  inspectorPort,
  outbound: async (request) => {
    const answer = fakeAnswer(new URL(request.url), bodyOf(await request.text()), offsets);
    if (answer === undefined) return new Response(`no fake answer for ${request.url}`, { status: 502 });
    return new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } });
  },
});
try {
  const send = async (i: number) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: CREATE, variables: { text: `profiled task ${i}` } }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (res.status !== 200 || body.errors)
      throw new Error(`createTask answered ${res.status}: ${JSON.stringify(body)}`);
  };
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{
    title: string;
    webSocketDebuggerUrl: string;
  }>;
  const target = targets.find((t) => t.title.includes("core:user")) ?? targets[0];
  if (!target) throw new Error("workerd's inspector lists no worker");
  const inspector = await devtools(target.webSocketDebuggerUrl);
  for (let i = 0; i < 300; i++) await send(i); // warm-up: JIT, per-isolate caches
  const perCreate: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const before = readCpu();
    for (let i = 0; i < 300; i++) await send(i);
    const used = cpuSince(before);
    if (used) perCreate.push((used.workerd * 1000) / 300);
  }
  perCreate.sort((a, b) => a - b);
  if (perCreate.length > 0)
    process.stdout.write(
      `workerd process CPU per createTask (/proc, ${blocks} blocks of 300): median ` +
        `${perCreate[Math.floor(perCreate.length / 2)]?.toFixed(0)} µs, min ${perCreate[0]?.toFixed(0)} µs\n`,
    );
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: samplingUs });
  await inspector.call("Profiler.start");
  for (let i = 0; i < creates; i++) await send(i);
  const { profile } = (await inspector.call("Profiler.stop")) as { profile: Profile };
  inspector.close();
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/workerd-command.cpuprofile", JSON.stringify(profile));
  report(profile, filesByLine(bundle));
} finally {
  await mf.dispose();
}

function report(profile: Profile, files: string[]): void {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fileOf = (n: ProfileNode) =>
    n.callFrame.url === ""
      ? `(${n.callFrame.functionName || "native"})`
      : (files[n.callFrame.lineNumber] ?? "?");
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node) continue;
    total += us;
    const name = `${node.callFrame.functionName || "(anonymous)"}  ${fileOf(node)}`;
    self.set(name, (self.get(name) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = nodes.get(at);
      if (!n) break;
      const file = fileOf(n);
      if (!seen.has(file)) inclusive.set(file, (inclusive.get(file) ?? 0) + us);
      seen.add(file);
    }
  }
  const idle = [...selfUs].reduce((sum, [id, us]) => {
    const name = nodes.get(id)?.callFrame.functionName;
    return name === "(idle)" || name === "(program)" ? sum + us : sum;
  }, 0);
  const busy = total - idle;
  const line = ([name, us]: [string, number]) =>
    `${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / creates).toFixed(1).padStart(6)} µs  ${name}`;
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([name]) => !/^\((idle|program)\)/.test(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
  process.stdout.write(
    `workerd CPU per createTask, sampled: ${(busy / creates).toFixed(0)} µs (idle and program left out), ` +
      `${creates} creates, every ${samplingUs} µs\n\nself time, heaviest functions:\n` +
      top(self, 30).map(line).join("\n") +
      "\n\ninclusive time per source file:\n" +
      top(inclusive, 30).map(line).join("\n") +
      "\n\nprofile: bench/results/workerd-command.cpuprofile\n",
  );
}
