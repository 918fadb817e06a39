/**
 * The emulator's own admin routes under `/__emulator/`: delivery fault injection (`delivery-faults`), a
 * delivery summary (`deliveries`) and `POST schedules/{id}/run`, which runs a schedule now (as its cron
 * would) so that tests need not wait for a minute boundary. Shared request faults and stats come from
 * `startEmulator`.
 */
import { type EmulatorRequest, type EmulatorResponse, errorResponse, json } from "../common/emulator";
import { type DeliveryFaultQueue, parseDeliveryFault } from "./delivery/faults";
import type { DeliveryScheduler } from "./delivery/scheduler";
import { QStashRequestError } from "./errors";
import type { ScheduleStore } from "./publish/schedules";

function runSchedule(schedules: ScheduleStore, id: string): EmulatorResponse {
  try {
    return json(200, { messageIds: schedules.run(id) });
  } catch (err) {
    if (err instanceof QStashRequestError) return errorResponse(err.status, err.message);
    throw err;
  }
}

export function createAdmin(
  faults: DeliveryFaultQueue,
  scheduler: DeliveryScheduler,
  schedules: ScheduleStore,
) {
  return (req: EmulatorRequest, sub: string): EmulatorResponse | undefined => {
    const run = /^schedules\/([A-Za-z0-9._-]+)\/run$/.exec(sub);
    if (run?.[1] !== undefined && req.method === "POST") return runSchedule(schedules, run[1]);
    if (sub === "delivery-faults") {
      if (req.method === "GET") return json(200, { faults: faults.list() });
      if (req.method === "DELETE") {
        faults.clear();
        return json(200, { cleared: true });
      }
      if (req.method === "POST") {
        try {
          return json(200, {
            fault: faults.add(parseDeliveryFault(JSON.parse(req.body.toString("utf8") || "{}"))),
          });
        } catch (err) {
          return errorResponse(400, `invalid delivery fault: ${(err as Error).message}`);
        }
      }
    }
    if (sub === "deliveries" && req.method === "GET") return json(200, scheduler.summary());
    return undefined;
  };
}
