/**
 * Poking in the background: the invocation keeps running until the publish settles (`waitUntil`), the answer does
 * not wait for it, and a publish that fails is one log line saying who picks the work up instead.
 */
import { errorFields, type Logger } from "../../shared/http/log";

/** Keeps the invocation alive until `p` settles, without delaying its answer (ExecutionContext.waitUntil). */
export type Waiter = (p: Promise<unknown>) => void;

export interface PokeLines {
  /** The error line when the publish fails (its error is added to `fields`). */
  failed: string;
  /** An info line once the publish succeeded, if any. */
  sent?: string;
  /** Fields both lines carry. */
  fields?: Record<string, unknown>;
}

/** The publish `poke`, its outcome logged on `log`; never rejects. */
export function pokeLogged(poke: Promise<unknown>, log: Logger, lines: PokeLines): Promise<void> {
  const { failed, sent, fields } = lines;
  return poke.then(
    () => {
      if (sent !== undefined) log.info(sent, fields);
    },
    (err: unknown) => log.error(failed, { ...fields, error: errorFields(err) }),
  );
}

/** Publishes `poke` in the background and logs its failure. */
export function pokeInBackground(
  waitUntil: Waiter,
  poke: Promise<unknown>,
  log: Logger,
  lines: PokeLines,
): void {
  waitUntil(pokeLogged(poke, log, lines));
}
