/**
 * The admin routes every emulator answers under `/__emulator/`: its request counters (`stats`) and its injected
 * faults (`faults`), and the requests a `hold` or `timeout` fault keeps (`held`, `held/release`). An emulator's own
 * admin routes are tried first (see `EmulatorOptions.admin`).
 */
import type { HeldRequests } from "./fault-shell";
import { type Fault, parseFault, type requestFaults } from "./faults";
import { type EmulatorRequest, type EmulatorResponse, errorResponse, json } from "./http-message";
import type { RequestCounters } from "./request-counters";

export interface AdminState {
  name: string;
  counters: RequestCounters;
  faults: ReturnType<typeof requestFaults>;
  held: HeldRequests;
}

/** Answers `sub` (the path after `/__emulator/`), or a 404 naming the route. */
export function sharedAdminRoute(state: AdminState, req: EmulatorRequest, sub: string): EmulatorResponse {
  if (sub === "stats" && req.method === "GET")
    return json(200, { emulator: state.name, ...state.counters.report() });
  if (sub === "stats" && req.method === "DELETE") {
    state.counters.clear();
    return json(200, { reset: true });
  }
  if (sub === "faults" && req.method === "GET") return json(200, { faults: state.faults.list() });
  if (sub === "held" && req.method === "GET") return json(200, { held: state.held.size });
  if (sub === "held/release" && req.method === "POST")
    return json(200, { released: state.held.releaseAll() });
  if (sub === "faults" && req.method === "DELETE") {
    state.faults.clear();
    return json(200, { cleared: true });
  }
  if (sub === "faults" && req.method === "POST") {
    let parsed: Fault;
    try {
      parsed = parseFault(JSON.parse(req.body.toString("utf8") || "{}"));
    } catch (err) {
      return errorResponse(400, `invalid fault: ${(err as Error).message}`);
    }
    return json(200, { fault: state.faults.add(parsed) });
  }
  return errorResponse(404, `unknown admin route ${req.method} ${req.rawPath}`);
}
