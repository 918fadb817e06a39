/**
 * The emulator's own admin routes under `/__emulator/`: delivery fault injection (`delivery-faults`) and
 * a delivery summary (`deliveries`). The shared request faults and stats come from `startEmulator`.
 */
import { type EmulatorRequest, type EmulatorResponse, errorResponse, json } from "../common/emulator";
import { type DeliveryFaultQueue, parseDeliveryFault } from "./delivery-faults";
import type { DeliveryScheduler } from "./scheduler";

export function createAdmin(faults: DeliveryFaultQueue, scheduler: DeliveryScheduler) {
  return (req: EmulatorRequest, sub: string): EmulatorResponse | undefined => {
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
