/**
 * Commands the front end refuses before they reach redis-server: the ones Upstash REST does not offer
 * (docs/protocols.md#what-the-redis-front-end-refuses) and the ones that would wreck a shared, pipelined connection (blocking reads,
 * subscriptions, protocol or database switches) or the redis-server itself (SHUTDOWN, CONFIG, ...).
 * Everything else passes through untouched, so redis-server stays the judge of syntax and semantics.
 */

const BLOCKING = new Set([
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
  "WAIT",
  "WAITAOF",
]);
const SUBSCRIBE = new Set([
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "SUNSUBSCRIBE",
]);
const TRANSACTION = new Set(["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"]);
/** Connection commands: Upstash allows only PING and ECHO; these would change the shared connection's state. */
const CONNECTION = new Set(["SELECT", "QUIT", "HELLO", "AUTH", "RESET", "CLIENT"]);
const SERVER = new Set([
  "MONITOR",
  "SHUTDOWN",
  "DEBUG",
  "CONFIG",
  "REPLICAOF",
  "SLAVEOF",
  "SYNC",
  "PSYNC",
  "REPLCONF",
  "FAILOVER",
  "ACL",
  "MODULE",
  "CLUSTER",
  "READONLY",
  "READWRITE",
  "ASKING",
]);

/** XREAD / XREADGROUP block only with a BLOCK option, which must come before STREAMS. */
function hasBlockOption(args: readonly Buffer[]): boolean {
  for (let i = 1; i < args.length; i++) {
    const word = args[i]?.toString("latin1").toUpperCase();
    if (word === "STREAMS") return false;
    if (word === "BLOCK") return true;
  }
  return false;
}

/** Returns the error text for a command the front end will not send, or undefined when it may pass. */
export function refusal(args: readonly Buffer[]): string | undefined {
  const first = args[0];
  if (!first) return "ERR no command given";
  const name = first.toString("latin1").toUpperCase();
  if (BLOCKING.has(name) || ((name === "XREAD" || name === "XREADGROUP") && hasBlockOption(args))) {
    return `ERR ${name} blocks, and Upstash REST does not support blocking commands`;
  }
  if (SUBSCRIBE.has(name)) {
    return `ERR ${name} is not supported here: Upstash serves pub/sub as server-sent events on /subscribe/{channel}, which this emulator does not implement`;
  }
  if (TRANSACTION.has(name)) {
    return `ERR ${name} is not supported as a command: send the transaction's commands to /multi-exec`;
  }
  if (CONNECTION.has(name)) {
    return `ERR ${name} is not supported by Upstash REST: of the connection commands only PING and ECHO are`;
  }
  if (SERVER.has(name)) {
    return `ERR ${name} is not allowed: it would control the redis-server behind this emulator`;
  }
  return undefined;
}
