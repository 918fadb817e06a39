/**
 * A request served under an injected fault (see faults.ts for the kinds): some refuse or hold it before the
 * handler runs, some let the handler do the work and then spoil the answer.
 */
import type { Fault } from "./faults";
import { type EmulatorResponse, errorResponse } from "./http-message";

/** What becomes of the request: an answer to send, or a connection dropped without one. */
export type Outcome = { answer: EmulatorResponse } | { drop: true };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The requests a `hold` or `timeout` fault keeps waiting, until a test releases them (or their time runs out): a
 * released hold is handled, a released timeout dropped.
 */
export class HeldRequests {
  readonly #waiting = new Set<() => void>();

  get size(): number {
    return this.#waiting.size;
  }

  /** Resolves once released, or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.#waiting.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.#waiting.add(release);
    });
  }

  /** Lets every waiting request go on; answers how many there were. */
  releaseAll(): number {
    const released = this.#waiting.size;
    for (const release of [...this.#waiting]) release();
    return released;
  }
}

/**
 * Runs `handle` as `fault` says (no fault: plainly). `shellError` shapes the answers the handler never saw, so they
 * look like the emulated service's; an answer spoiled after the work keeps the shared `{error, status}` shape.
 */
export async function serveUnderFault(
  fault: Fault | undefined,
  handle: () => Promise<EmulatorResponse> | EmulatorResponse,
  name: string,
  shellError: (status: number, message: string) => EmulatorResponse,
  held: HeldRequests,
): Promise<Outcome> {
  if (fault?.kind === "fail")
    return { answer: shellError(fault.status, `injected fault: ${name} failed this request`) };
  if (fault?.kind === "timeout") {
    // Hold the request unanswered, then drop the connection: what a hung upstream looks like. It waits among the
    // held requests, so that a test can see it held and end the hold when it chooses instead of sleeping through it.
    await held.wait(fault.ms);
    return { drop: true };
  }
  if (fault?.kind === "delay") await sleep(fault.ms);
  if (fault?.kind === "hold") await held.wait(fault.ms);
  const answer = await handle();
  if (fault?.kind === "fail-after") {
    return {
      answer: errorResponse(fault.status, `injected fault: ${name} did this request, then failed it`),
    };
  }
  if (fault?.kind === "drop-after") return { drop: true };
  return { answer };
}
