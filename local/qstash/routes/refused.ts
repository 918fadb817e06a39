/**
 * QStash routes the emulator knows and does not implement. They answer 501 with the reason instead of a bare
 * 404, so a client learns that the feature exists in QStash and why the local stack leaves it out.
 * `local/qstash/README.md` lists the same routes.
 */
import { type EmulatorResponse, errorResponse } from "../../common/emulator";

const REFUSED: Record<string, string> = {
  globalParallelism: "global parallelism is a plan limit of hosted QStash, which the emulator does not have",
  workflows: "Upstash Workflow is not emulated",
  llm: "the LLM API is not emulated (no network to a provider)",
  chat: "the LLM API is not emulated (no network to a provider)",
};

/** The 501 answer for a refused route under `/v2/{collection}`, or undefined when it is not one. */
export function refusedRoute(
  collection: string,
  method: string,
  rawPath: string,
): EmulatorResponse | undefined {
  const reason = Object.hasOwn(REFUSED, collection) ? REFUSED[collection] : undefined;
  return reason === undefined
    ? undefined
    : errorResponse(501, `${method} ${rawPath} is not implemented: ${reason}`);
}
