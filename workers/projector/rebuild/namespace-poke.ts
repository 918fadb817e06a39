/** Where a poke naming a namespace goes: a rebuild's chunk, a retired namespace's fold or clean-up, or the live fold. */
import type { Logger } from "../../../shared/http/log";
import type { LiveView } from "../../../shared/rebuild/port";
import type { Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import { type CatchUpResult, failures } from "../fold/progress";
import { rebuildChunk } from "./chunk";
import { cleanupDue } from "./cleanup";
import { foldNamespace } from "./fold-namespace";

/**
 * What a poke naming a namespace asks: a chunk of the running rebuild, a fold or clean-up chunk of a retired
 * namespace, or the live fold. Any other namespace (a late poke for one already deleted) is ignored, so nothing
 * is folded back into a namespace nobody reads.
 */
export type NamespaceRoute =
  | { kind: "live" }
  | { kind: "done"; body: object; failed?: { services: string; partitions: number[] } };

export async function routeNamespacePoke(
  deps: ProjectorDeps,
  view: LiveView,
  namespace: string,
  reason: unknown,
  only: readonly number[] | undefined,
  waitUntil: Waiter,
  logger: Logger,
): Promise<NamespaceRoute> {
  const record = await deps.rebuild.current();
  if (record?.state === "running" && record.namespace === namespace) {
    const chunk = await rebuildChunk(deps, namespace, only, waitUntil, logger);
    return { kind: "done", body: chunk, ...failedOf(chunk) };
  }
  const retired = (await deps.rebuild.retired()).find((r) => r.namespace === namespace);
  const now = Date.now();
  if (retired && retired.due <= now) {
    const chunk = await cleanupDue(deps, waitUntil, logger, namespace);
    return { kind: "done", body: { cleanup: chunk ?? null } };
  }
  if (retired && retired.foldUntil > now && reason !== "cleanup") {
    const result = await foldNamespace(deps, namespace, logger.with({ namespace }), only);
    return { kind: "done", body: { ...result, namespace, retiring: true }, ...failedOf(result) };
  }
  if (namespace === view.namespace) return { kind: "live" };
  return { kind: "done", body: { namespace, ignored: "neither live, being rebuilt nor retiring" } };
}

function failedOf(result: CatchUpResult): { failed?: { services: string; partitions: number[] } } {
  const failed = failures(result);
  return failed ? { failed } : {};
}
