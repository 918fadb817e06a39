/**
 * The rebuild port in process, for fast specifications: it keeps what the Redis scripts decide (one rebuild at a
 * time, a generation that never names the live namespace nor one waiting for its clean-up, a switch only once every
 * partition has reached its head, the old namespace retired with its fold and clean-up times, the newest ten ended
 * rebuilds). It holds no log identity, and no cache: its live pointer is always fresh.
 */
import type { EventLog } from "../../event-log/port";
import {
  FOLD_MARGIN_MS,
  type RebuildPort,
  type RebuildRecord,
  type RetiredNamespace,
  type SwitchAnswer,
} from "../port";
import { type CheckpointsOf, rebuildStatus } from "../status";

/** The newest ended rebuilds kept, as the Redis scripts keep them. */
const HISTORY_KEPT = 10;

export interface MemoryRebuildOptions {
  /** The base prefix: the live namespace until a switch. */
  base: string;
  log: EventLog;
  /** The checkpoints of a namespace (the switch and the status compare them with the heads). */
  checkpointsOf: CheckpointsOf;
  /** The clock retired namespaces are folded and deleted by (default: Date.now). */
  now?: () => number;
}

export interface MemoryRebuild extends RebuildPort {
  /** Ends a retired namespace's clean-up (the clean-up adapter, once it deleted the namespace). */
  forgetRetired(namespace: string): void;
}

export function createMemoryRebuild(options: MemoryRebuildOptions): MemoryRebuild {
  const { base, log, checkpointsOf } = options;
  const now = options.now ?? Date.now;
  let pointer = base;
  let generation = 0;
  let record: RebuildRecord | undefined;
  const history: RebuildRecord[] = [];
  const retired = new Map<string, RetiredNamespace>();
  const end = (ended: RebuildRecord) => {
    record = ended;
    history.unshift(ended);
    history.splice(HISTORY_KEPT);
  };
  const running = (namespace: string) => record?.state === "running" && record.namespace === namespace;
  const port: MemoryRebuild = {
    async start(at) {
      if (record?.state === "running") return { started: false, running: record.namespace };
      let namespace: string;
      do namespace = `${base}:g${++generation}`;
      while (namespace === pointer || retired.has(namespace));
      record = { namespace, generation, from: pointer, state: "running", startedAt: at.toISOString() };
      return { started: true, namespace };
    },
    current: async () => record,
    retired: async () => [...retired.values()],
    async switchLive(namespace, heads, at, graceMs): Promise<SwitchAnswer> {
      if (!record || !running(namespace)) return { kind: "not-running" };
      const checkpoints = await checkpointsOf(namespace);
      for (const [partition, head] of heads.entries()) {
        const checkpoint = checkpoints.get(partition) ?? 0;
        if (checkpoint < head) return { kind: "behind", partition, checkpoint, head };
      }
      const old = pointer;
      const due = at.getTime() + graceMs;
      pointer = namespace;
      retired.set(old, { namespace: old, due, foldUntil: due - Math.min(graceMs, FOLD_MARGIN_MS) });
      end({ ...record, state: "switched", endedAt: at.toISOString(), retired: old });
      return { kind: "switched", old };
    },
    async fail(namespace, reason, at) {
      if (!record || !running(namespace)) return false;
      retired.set(namespace, { namespace, due: at.getTime(), foldUntil: 0 });
      end({ ...record, state: "failed", reason, endedAt: at.toISOString() });
      return true;
    },
    status: (live) =>
      rebuildStatus(
        log,
        checkpointsOf,
        {
          current: port.current,
          retired: port.retired,
          history: async (count = 10) => history.slice(0, count),
        },
        live,
      ),
    liveView: async () => ({
      namespace: pointer,
      retiring: [...retired.values()]
        .filter((r) => r.foldUntil > now())
        .map((r) => ({ namespace: r.namespace, foldUntil: r.foldUntil })),
    }),
    forgetLive: () => {},
    forgetRetired: (namespace) => {
      retired.delete(namespace);
    },
  };
  return port;
}
