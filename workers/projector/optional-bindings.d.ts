/**
 * The projector's optional bindings, merged into the `Env` that `wrangler types` generates in
 * worker-configuration.d.ts (which can only type a binding as always set).
 */
import type { OptionalBindings } from "../../shared/config/optional-bindings";

declare global {
  namespace Cloudflare {
    interface Env extends OptionalBindings {
      /** Guards the admin operations (status details, `POST /rebuild`); unset, they are off. */
      ADMIN_TOKEN?: string;
      /** Records per fetch and atomic fold batch, 1 to 5000. */
      PROJECTOR_BATCH_SIZE?: string;
      /** Records per invocation over all partitions, 1 to 1000000. */
      PROJECTOR_MAX_EVENTS?: string;
      /** Counted subrequests per invocation, 11 to 10000. */
      PROJECTOR_MAX_SUBREQUESTS?: string;
      /** The command worker's POST /live (its public URL and /live), told what each applied batch changed. */
      LIVE_URL?: string;
      /** Seconds a namespace replaced by a rebuild is kept and folded, 0 to 86400; unset means 600. */
      REBUILD_GRACE_SECONDS?: string;
    }
  }
}
