/**
 * A counting pass-through in front of the Redis REST emulator. Upstash bills commands, not HTTP requests: a
 * `/pipeline` or `/multi-exec` request of N commands is N commands, and the emulator's own counters see one
 * request. The workers under measurement get this proxy's URL; it forwards every request unchanged and counts
 * requests, commands (by name), and bytes in each direction, plus the largest request body (Upstash limits it).
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface RedisTally {
  requests: number;
  commands: number;
  /** Commands by lower-case name, e.g. `evalsha`, `get`. */
  byName: Record<string, number>;
  requestBytes: number;
  responseBytes: number;
  largestRequestBytes: number;
}

export interface RedisCounter {
  url: string;
  read(): RedisTally;
  reset(): void;
  close(): Promise<void>;
}

function emptyTally(): RedisTally {
  return { requests: 0, commands: 0, byName: {}, requestBytes: 0, responseBytes: 0, largestRequestBytes: 0 };
}

/** The commands a REST request carries: one for `POST /` and path style, each element for pipelines. */
function commandsOf(path: string, body: Buffer): string[] {
  const route = path.split("?")[0] ?? "/";
  if (route === "/pipeline" || route === "/multi-exec") {
    const parsed: unknown = JSON.parse(body.toString("utf8") || "[]");
    if (!Array.isArray(parsed)) return ["unknown"];
    return parsed.map((c: unknown) => (Array.isArray(c) ? String(c[0]).toLowerCase() : "unknown"));
  }
  if (route === "/" || route === "") {
    const parsed: unknown = JSON.parse(body.toString("utf8") || "[]");
    return [Array.isArray(parsed) ? String(parsed[0]).toLowerCase() : "unknown"];
  }
  return [decodeURIComponent(route.split("/")[1] ?? "unknown").toLowerCase()];
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

/** Starts the proxy on a free loopback port, forwarding to `target` (the Redis REST emulator's URL). */
export async function startRedisCounter(target: string): Promise<RedisCounter> {
  let tally = emptyTally();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const path = req.url ?? "/";
      tally.requests++;
      tally.requestBytes += body.length + path.length;
      tally.largestRequestBytes = Math.max(tally.largestRequestBytes, body.length);
      let names: string[];
      try {
        names = commandsOf(path, body);
      } catch {
        names = ["unparsed"];
      }
      tally.commands += names.length;
      for (const n of names) tally.byName[n] = (tally.byName[n] ?? 0) + 1;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === "string" && !HOP_HEADERS.has(k)) headers[k] = v;
      }
      const method = req.method ?? "GET";
      const answer = await fetch(`${target}${path}`, {
        method,
        headers,
        ...(method !== "GET" && method !== "HEAD" && { body: new Uint8Array(body) }),
      });
      const out = Buffer.from(await answer.arrayBuffer());
      tally.responseBytes += out.length;
      const outHeaders: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (!HOP_HEADERS.has(k) && k !== "content-encoding") outHeaders[k] = v;
      });
      outHeaders["content-length"] = String(out.length);
      res.writeHead(answer.status, outHeaders);
      res.end(out);
    })().catch((err: unknown) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`redis counter: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    read: () => ({ ...tally, byName: { ...tally.byName } }),
    reset: () => {
      tally = emptyTally();
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
