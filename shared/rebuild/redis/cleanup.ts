/** The clean-up port over Redis: SCAN and UNLINK in bounded chunks (cleanup.ts), progress kept in control.ts's record. */
import type { RedisClient } from "../../redis/client";
import { cleanupChunk } from "../cleanup";
import type { RebuildControl } from "../control";
import type { CleanupPort } from "../port";

export function createRedisCleanup(client: RedisClient, control: RebuildControl): CleanupPort {
  return { chunk: (entry, options) => cleanupChunk(client, control, entry, options) };
}
