/**
 * The HTTP shell every local emulator shares: body reading with a size limit, JSON answers,
 * per-endpoint request counters and fault injection through the reserved admin path
 * `/__emulator/*`. Each emulator supplies only its protocol handler.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { type Fault, parseFault, requestFaults } from "./faults";

export interface EmulatorRequest {
  method: string;
  /** Parsed URL (with `http://host` prefixed); use `rawPath` when the exact bytes matter. */
  url: URL;
  /** The request target's path exactly as sent, before `?`, not decoded, slashes not collapsed. */
  rawPath: string;
  /** The request target's query string exactly as sent, without the leading `?` ("" when absent). */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The peer's IP address (IPv4-mapped IPv6 addresses as plain IPv4). */
  remoteAddress?: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** A Buffer or string is sent as is; anything else is sent as JSON. `undefined` sends no body. */
  body?: unknown;
}

export type Handler = (req: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse;

/**
 * A route of an emulator whose routes share a context `C` (its storage, its limits); `params` are the raw
 * (undecoded) path segments the route's pattern names.
 */
export type ContextHandler<C> = (
  ctx: C,
  req: EmulatorRequest,
  params: Record<string, string>,
) => Promise<EmulatorResponse> | EmulatorResponse;

export interface EmulatorOptions {
  /** Short name used in error messages and logs, e.g. "redis-rest". */
  name: string;
  handle: Handler;
  /** Names the endpoint a request is counted under; defaults to `METHOD /path`. */
  endpoint?: (req: EmulatorRequest) => string;
  /** Extra admin routes under `/__emulator/`, tried before the shared ones. Return undefined to fall through. */
  admin?: (
    req: EmulatorRequest,
    subPath: string,
  ) => Promise<EmulatorResponse | undefined> | EmulatorResponse | undefined;
  /** Largest request body accepted; larger ones get 413. Default 10 MiB. */
  maxBodyBytes?: number;
  /**
   * The body of the shell's own error answers (413, a bad request target, an injected failure, an internal
   * error), so they look like the emulated service's. Default `{error, status}`.
   */
  errorBody?: (status: number, message: string) => unknown;
}

export interface ListenOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string | undefined;
}

export interface RunningEmulator {
  name: string;
  url: string;
  port: number;
  /** Requests counted per endpoint since start or the last reset (admin requests are not counted). */
  stats(): Record<string, number>;
  resetStats(): void;
  faults: ReturnType<typeof requestFaults>;
  close(): Promise<void>;
}

export const ADMIN_PREFIX = "/__emulator/";
const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
}

export function errorResponse(status: number, message: string): EmulatorResponse {
  return { status, body: { error: message, status } };
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function splitTarget(target: string): { rawPath: string; rawQuery: string } {
  const q = target.indexOf("?");
  return q === -1
    ? { rawPath: target, rawQuery: "" }
    : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

function send(res: ServerResponse, out: EmulatorResponse): void {
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  let payload: Buffer | undefined;
  if (out.body === undefined) {
    payload = undefined;
  } else if (Buffer.isBuffer(out.body)) {
    payload = out.body;
  } else if (typeof out.body === "string") {
    payload = Buffer.from(out.body, "utf8");
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else {
    payload = Buffer.from(JSON.stringify(out.body), "utf8");
    headers["content-type"] ??= "application/json";
  }
  if (payload) headers["content-length"] = String(payload.length);
  res.writeHead(out.status, headers);
  res.end(payload);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts an emulator on `host:port` (port 0 picks a free one). It listens on 127.0.0.1 by default and,
 * when the port is free there too, on ::1, so that `localhost` works whichever address a client tries first.
 */
export async function startEmulator(opts: EmulatorOptions, listen: ListenOptions): Promise<RunningEmulator> {
  const counters = new Map<string, number>();
  const faults = requestFaults();
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  /** Requests a `hold` fault keeps, each by the function that lets it go on. */
  const holds = new Set<() => void>();
  const releaseHolds = () => {
    const released = holds.size;
    for (const release of [...holds]) release();
    return released;
  };
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const shellError = (status: number, message: string): EmulatorResponse =>
    opts.errorBody ? { status, body: opts.errorBody(status, message) } : errorResponse(status, message);
  let closing = false;

  async function adminRoute(req: EmulatorRequest): Promise<EmulatorResponse> {
    const sub = req.rawPath.slice(ADMIN_PREFIX.length);
    const custom = opts.admin ? await opts.admin(req, sub) : undefined;
    if (custom) return custom;
    if (sub === "stats" && req.method === "GET") {
      const requests = Object.fromEntries([...counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
      const total = [...counters.values()].reduce((a, b) => a + b, 0);
      return json(200, { emulator: opts.name, requests, total });
    }
    if (sub === "stats" && req.method === "DELETE") {
      counters.clear();
      return json(200, { reset: true });
    }
    if (sub === "faults" && req.method === "GET") return json(200, { faults: faults.list() });
    if (sub === "held" && req.method === "GET") return json(200, { held: holds.size });
    if (sub === "held/release" && req.method === "POST") return json(200, { released: releaseHolds() });
    if (sub === "faults" && req.method === "DELETE") {
      faults.clear();
      return json(200, { cleared: true });
    }
    if (sub === "faults" && req.method === "POST") {
      let parsed: Fault;
      try {
        parsed = parseFault(JSON.parse(req.body.toString("utf8") || "{}"));
      } catch (err) {
        return errorResponse(400, `invalid fault: ${(err as Error).message}`);
      }
      return json(200, { fault: faults.add(parsed) });
    }
    return errorResponse(404, `unknown admin route ${req.method} ${req.rawPath}`);
  }

  async function handleRaw(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    const { rawPath, rawQuery } = splitTarget(target);
    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        send(res, shellError(413, `request body larger than ${maxBody} bytes`));
        req.resume();
        return;
      }
      throw err;
    }
    let url: URL;
    try {
      url = new URL(target.startsWith("/") ? target : `/${target}`, "http://emulator");
    } catch {
      send(res, shellError(400, `invalid request target ${JSON.stringify(target)}`));
      return;
    }
    const request: EmulatorRequest = {
      method: req.method ?? "GET",
      url,
      rawPath,
      rawQuery,
      headers: req.headers,
      body,
      ...(req.socket.remoteAddress !== undefined && {
        remoteAddress: req.socket.remoteAddress.replace(/^::ffff:/, ""),
      }),
    };

    if (rawPath.startsWith(ADMIN_PREFIX)) {
      send(res, await adminRoute(request));
      return;
    }

    const endpoint = opts.endpoint ? opts.endpoint(request) : `${request.method} ${rawPath}`;
    counters.set(endpoint, (counters.get(endpoint) ?? 0) + 1);

    const fault = faults.take(request);
    if (fault) {
      if (fault.kind === "fail") {
        send(res, shellError(fault.status, `injected fault: ${opts.name} failed this request`));
        return;
      }
      if (fault.kind === "timeout") {
        // Hold the request unanswered, then drop the connection: what a hung upstream looks like.
        held.add(res);
        await sleep(fault.ms);
        held.delete(res);
        req.socket.destroy();
        return;
      }
      if (fault.kind === "delay") await sleep(fault.ms);
      if (fault.kind === "hold") {
        await new Promise<void>((resolve) => {
          const release = () => {
            clearTimeout(timer);
            holds.delete(release);
            resolve();
          };
          const timer = setTimeout(release, fault.ms);
          holds.add(release);
        });
      }
    }
    const answer = await opts.handle(request);
    if (fault?.kind === "fail-after") {
      send(res, errorResponse(fault.status, `injected fault: ${opts.name} did this request, then failed it`));
      return;
    }
    if (fault?.kind === "drop-after") {
      req.socket.destroy();
      return;
    }
    send(res, answer);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handleRaw(req, res).catch((err: unknown) => {
      if (res.headersSent || closing) {
        res.destroy();
        return;
      }
      console.error(`[${opts.name}] internal error:`, err);
      send(res, shellError(500, `${opts.name} internal error: ${(err as Error).message}`));
    });
  };

  const servers: Server[] = [];
  const listenOn = (host: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(onRequest);
      server.keepAliveTimeout = 5000;
      server.on("connection", (s) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
      });
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve(server);
      });
    });

  const host = listen.host ?? "127.0.0.1";
  const primary = await listenOn(host, listen.port);
  servers.push(primary);
  const address = primary.address();
  const port = typeof address === "object" && address ? address.port : listen.port;
  if (host === "127.0.0.1") {
    try {
      servers.push(await listenOn("::1", port));
    } catch {
      // No IPv6 loopback, or the port is taken there: 127.0.0.1 alone is fine.
    }
  }

  return {
    name: opts.name,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stats: () => Object.fromEntries(counters),
    resetStats: () => counters.clear(),
    faults,
    async close() {
      closing = true;
      releaseHolds();
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
