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
import { freePort } from "../local/common/ports";
import { bundleWorker } from "../local/workerd/bundle";
import { startWorkerOnFreePort } from "../local/workerd/worker";
import { cpuSince, readCpu } from "./cpu";
import { bodyOf, FAKE_BINDINGS, fakeAnswer } from "./fake-upstash";
import { devtools, filesByLine, type Profile, report, workerTarget } from "./inspector";

const ENTRY = "workers/command/index.ts";
const creates = Number(process.argv[2] ?? 2000);
const samplingUs = Number(process.argv[3] ?? 50);
const blocks = Number(process.argv[4] ?? 7);
const CREATE = "mutation ($text: String!) { createTask(text: $text) { id text done } }";

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
  const inspector = await devtools(await workerTarget(inspectorPort));
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
  report(profile, filesByLine(bundle), {
    ops: creates,
    label: "createTask",
    samplingUs,
    saved: "bench/results/workerd-command.cpuprofile",
  });
} finally {
  await mf.dispose();
}
