/**
 * A live fold's first step over Redis in one round trip: the live pointer and the retired namespaces read afresh
 * (what the projector reads for every poke), and the partition's fold lease claimed in the namespace this isolate
 * last saw live, in the same script, only if the pointer still names it. A guess that is wrong (a rebuild switched
 * since) claims nothing: the caller claims in the namespace the answer names, one more round trip once per switch.
 */

import { UpstreamError } from "../../errors";
import { projectionKeys } from "../../projection/keys";
import { CLAIM_LIVE_FOLD, foldClaimOf } from "../../projection/redis/fold-lease";
import type { RedisClient } from "../../redis/client";
import { lastLiveNamespace, namespaceKeys, rememberLiveView } from "../namespace";
import type { LiveClaimer } from "../port";

export function createRedisLiveClaimer(client: RedisClient, base: string): LiveClaimer {
  const script = client.redis.createScript<unknown>(CLAIM_LIVE_FOLD);
  const control = namespaceKeys(base);
  return {
    async claim(partition, token, ttlMs) {
      const guess = lastLiveNamespace(base);
      const keys = projectionKeys(guess);
      const answer = await client.call("claim a live fold", () =>
        script.exec(
          [
            control.pointer,
            control.retired,
            keys.foldLease(partition),
            keys.foldMore(partition),
            keys.checkpoint,
          ],
          [token, String(ttlMs), String(partition), guess, base],
        ),
      );
      if (!Array.isArray(answer) || (answer.length !== 2 && answer.length < 3))
        throw new UpstreamError("redis", "claim-live-fold script answered an unexpected shape");
      const view = rememberLiveView(base, answer[0], answer[1]);
      if (answer.length === 2) return { view };
      if (view.namespace !== guess)
        throw new UpstreamError("redis", "claim-live-fold script claimed in a namespace that is not live");
      return { view, claim: foldClaimOf(answer[2], answer[3]) };
    },
  };
}
