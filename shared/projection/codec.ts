/** How task state is stored in Redis: the TaskState as JSON, validated on the way back in. */
import type { Task, TaskState } from "../domain";
import { UpstreamError } from "../errors";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isTask(v: unknown): v is Task {
  return (
    isRecord(v) &&
    typeof v.id === "string" &&
    typeof v.text === "string" &&
    typeof v.done === "boolean" &&
    typeof v.createdAt === "string" &&
    typeof v.updatedAt === "string" &&
    typeof v.version === "number" &&
    (v.listId === undefined || typeof v.listId === "string")
  );
}

export function encodeState(state: TaskState): string {
  return JSON.stringify(state);
}

export function decodeState(raw: unknown): TaskState {
  if (raw === null || raw === undefined) return { status: "absent" };
  let parsed: unknown;
  try {
    parsed = typeof raw === "string" ? JSON.parse(raw) : raw;
  } catch {
    throw new UpstreamError("redis", "the projection holds a task state that is not JSON");
  }
  if (isRecord(parsed) && parsed.status === "active" && isTask(parsed.task)) {
    return { status: "active", task: parsed.task };
  }
  if (
    isRecord(parsed) &&
    parsed.status === "deleted" &&
    typeof parsed.id === "string" &&
    typeof parsed.version === "number" &&
    typeof parsed.deletedAt === "string"
  ) {
    return { status: "deleted", id: parsed.id, version: parsed.version, deletedAt: parsed.deletedAt };
  }
  throw new UpstreamError("redis", "the projection holds a malformed task state");
}

export function toInt(raw: unknown, fallback = 0): number {
  if (raw === null || raw === undefined) return fallback;
  const n = typeof raw === "number" ? raw : Number(raw);
  return Number.isFinite(n) ? n : fallback;
}
