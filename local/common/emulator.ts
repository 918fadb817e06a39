/**
 * The HTTP shell every local emulator shares: body reading with a size limit, JSON answers,
 * per-endpoint request counters and fault injection through the reserved admin path
 * `/__emulator/*`. Each emulator supplies only its protocol handler.
 *
 * This module composes the shell's parts: the wire format (wire.ts), the counters (request-counters.ts), the
 * shared admin routes (admin-routes.ts), injected faults (fault-shell.ts) and the listening sockets (listen.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sharedAdminRoute } from "./admin-routes";
import { HeldRequests, serveUnderFault } from "./fault-shell";
import { requestFaults } from "./faults";
import { type EmulatorRequest, type EmulatorResponse, errorResponse, type Handler } from "./http-message";
import { listenOnLoopback } from "./listen";
import { RequestCounters } from "./request-counters";
import { readRequest, send } from "./wire";

export {
  type ContextHandler,
  type EmulatorRequest,
  type EmulatorResponse,
  errorResponse,
  type Handler,
  json,
} from "./http-message";

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

/**
 * Starts an emulator on `host:port` (port 0 picks a free one). It listens on 127.0.0.1 by default and,
 * when the port is free there too, on ::1, so that `localhost` works whichever address a client tries first.
 */
export async function startEmulator(opts: EmulatorOptions, listen: ListenOptions): Promise<RunningEmulator> {
  const counters = new RequestCounters();
  const faults = requestFaults();
  const held = new HeldRequests();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const shellError = (status: number, message: string): EmulatorResponse =>
    opts.errorBody ? { status, body: opts.errorBody(status, message) } : errorResponse(status, message);
  let closing = false;

  async function adminRoute(req: EmulatorRequest): Promise<EmulatorResponse> {
    const sub = req.rawPath.slice(ADMIN_PREFIX.length);
    const custom = opts.admin ? await opts.admin(req, sub) : undefined;
    return custom ?? sharedAdminRoute({ name: opts.name, counters, faults, held }, req, sub);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readRequest(req, maxBody);
    if ("refused" in request) {
      send(res, shellError(request.refused.status, request.refused.message));
      req.resume();
      return;
    }
    if (request.rawPath.startsWith(ADMIN_PREFIX)) {
      send(res, await adminRoute(request));
      return;
    }
    counters.count(opts.endpoint ? opts.endpoint(request) : `${request.method} ${request.rawPath}`);
    const outcome = await serveUnderFault(
      faults.take(request),
      () => opts.handle(request),
      opts.name,
      shellError,
      held,
    );
    if ("drop" in outcome) req.socket.destroy();
    else send(res, outcome.answer);
  }

  const listening = await listenOnLoopback((req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (res.headersSent || closing) {
        res.destroy();
        return;
      }
      console.error(`[${opts.name}] internal error:`, err);
      send(res, shellError(500, `${opts.name} internal error: ${(err as Error).message}`));
    });
  }, listen);

  const { host, port } = listening;
  return {
    name: opts.name,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stats: () => counters.snapshot(),
    resetStats: () => counters.clear(),
    faults,
    async close() {
      closing = true;
      held.releaseAll();
      await listening.close();
    },
  };
}
