/**
 * What the workerd profiles share (workerd-profile.ts, fold-profile.ts): V8's sampling profiler driven over
 * workerd's inspector (the DevTools protocol), and a report of where the samples fell, by function and by the source
 * file the bundle's per-module markers name. The sampler counts wall time while JavaScript is on the stack, so read
 * the shares, and take the CPU per operation from /proc (bench/cpu.ts).
 */
import WebSocket from "ws";

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The DevTools protocol over one WebSocket: each call answers its result. */
export function devtools(
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
export function filesByLine(bundle: string): string[] {
  const files: string[] = [];
  let current = "(bundle)";
  for (const line of bundle.split("\n")) {
    const marker = /^\/\/ ((?:\.\.\/)*[\w@./-]+\.[cm]?[jt]s)$/.exec(line);
    if (marker?.[1]) current = marker[1].replace(/^(\.\.\/)+/, "").replace(/^.*node_modules\//, "");
    files.push(current);
  }
  return files;
}

/** The DevTools target of the worker's own isolate, from the inspector's listing. */
export async function workerTarget(inspectorPort: number): Promise<string> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{
    title: string;
    webSocketDebuggerUrl: string;
  }>;
  const target = targets.find((t) => t.title.includes("core:user")) ?? targets[0];
  if (!target) throw new Error("workerd's inspector lists no worker");
  return target.webSocketDebuggerUrl;
}

/**
 * Prints the self time of the heaviest functions and the time spent in each source file (inclusive, from the bundle's
 * per-module markers), per operation: `ops` operations of what `label` names, sampled every `samplingUs`.
 */
export function report(
  profile: Profile,
  files: string[],
  run: { ops: number; label: string; samplingUs: number; saved: string },
): void {
  const { ops, label, samplingUs, saved } = run;
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
    `${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / ops).toFixed(1).padStart(6)} µs  ${name}`;
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([name]) => !/^\((idle|program)\)/.test(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
  process.stdout.write(
    `workerd CPU per ${label}, sampled: ${(busy / ops).toFixed(0)} µs (idle and program left out), ` +
      `${ops} of them, every ${samplingUs} µs\n\nself time, heaviest functions:\n` +
      top(self, 30).map(line).join("\n") +
      "\n\ninclusive time per source file:\n" +
      top(inclusive, 30).map(line).join("\n") +
      `\n\nprofile: ${saved}\n`,
  );
}
