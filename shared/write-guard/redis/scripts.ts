/**
 * The write guards' Redis scripts: each check-and-set a writer relies on (reserve, commit, release, claim) is one
 * script. Every key a script touches is passed in KEYS.
 */

/** A token's version (`<version>:...`, 0 for none), and a task's version as projected in the state hash. */
const VERSIONS = `
local function version(v) if not v then return 0 end return tonumber(string.match(v, '^%d+')) or 0 end
local function projectedVersion(states, taskId)
  local s = redis.call('HGET', states, taskId)
  if not s then return 0 end
  local st = cjson.decode(s)
  if st.status == 'active' then return st.task.version end
  return st.version
end
`;

/**
 * Reserves the versions a writer is about to append for one task, if the task's current version is still the one
 * it decided on and no other writer holds a higher reservation. The current version is the projected one, or the
 * committed one (a write acknowledged by the log, not projected yet) when that is higher. The reservation expires
 * after `ttl`; a copy of it (last-reserved) is kept `keep` ms, so that a later writer knows an append that got no
 * answer may have committed it. Both hold the writer's token, `<new version>:<nonce>`: a call that finds its own
 * token already there is the same writer's call retried after its answer was lost, and succeeds again.
 * KEYS: state, reservation, last-reserved, committed. ARGV: task id, base version, new version, ttl ms, keep ms,
 *   token.
 * Returns {1, current, reserved} on success, {0, current, reserved} otherwise.
 */
export const RESERVE = `${VERSIONS}
local current = projectedVersion(KEYS[1], ARGV[1])
local held = redis.call('GET', KEYS[2])
if held == ARGV[6] then return {1, current, current} end
local committed = version(redis.call('GET', KEYS[4]))
if committed > current then current = committed end
local reserved = version(held)
if current ~= tonumber(ARGV[2]) or reserved > current then return {0, current, reserved} end
redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[5])
return {1, current, reserved}
`;

/**
 * An update's or delete's guard as the steps of its append, where the log is kept in the guards' database (an
 * append step: event-log/port.ts). `check` runs before the records and decides as RESERVE does: it refuses the
 * append (answering {current, reserved}) when the task moved past the version the writer decided on, or another
 * writer holds a reservation beyond it. `step`, after the records, records the commit. No reservation is taken: the
 * check, the records and the commit are one atomic call, so no writer comes between them, and an append whose
 * answer is lost left either its records and its commit, or nothing. keys: the state hash, the reservation, the
 * committed key. args: the task id, the base version, the token (`<new version>:<nonce>`), the state JSON, keep ms.
 */
export const CONDITIONAL_COMMIT_STEP = `${VERSIONS}
local function check(keys, args)
  local current = projectedVersion(keys[1], args[1])
  local committed = version(redis.call('GET', keys[3]))
  if committed > current then current = committed end
  local reserved = version(redis.call('GET', keys[2]))
  if current ~= tonumber(args[2]) or reserved > current then return {current, reserved} end
  return nil
end
local function step(keys, args)
  redis.call('SET', keys[3], args[3] .. ':' .. args[4], 'PX', args[5])
  return 1
end
`;

/**
 * Records a write the log acknowledged, with the state it decided, so that the next writer of the task decides on
 * it without waiting for the projection. An update's write must still hold its reservation (one that expired may
 * have been taken over: the writers after it decide on the log); the commit then replaces the reservation. A
 * create holds none (its id is fresh) and is recorded only if nothing is committed for the task yet.
 *
 * A Lua function, `step(keys, args)`, so that the Redis Streams append can run it in its own script after its
 * records (an append step: event-log/port.ts): nothing in it can fail once it runs. A reservation key of another
 * type reads as not held (`pcall`), EXISTS and DEL take any key, and SET replaces whatever is there. keys: the
 * committed key, the reservation key. args: the token (`<version>:<nonce>`), the state JSON, keep ms, '1' for a
 * create. The committed value is `<version>:<nonce>:<state JSON>`. Returns 1 when recorded, 0 otherwise.
 */
export const COMMIT_STEP = `
local function step(keys, args)
  local committed, reservation, token = keys[1], keys[2], args[1]
  if args[4] == '1' then
    if redis.call('EXISTS', committed) == 1 then return 0 end
  elseif redis.pcall('GET', reservation) ~= token then
    return 0
  else
    redis.call('DEL', reservation)
  end
  redis.call('SET', committed, token .. ':' .. args[2], 'PX', args[3])
  return 1
end
`;

/** COMMIT_STEP as a script of its own. KEYS: committed, reservation. ARGV: token, state JSON, keep ms, create. */
export const COMMIT = `${COMMIT_STEP}
return step(KEYS, ARGV)
`;

/** Drops each of KEYS that still holds the caller's value. ARGV: the value (a reservation token, a claim). */
export const RELEASE = `
local dropped = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then dropped = dropped + redis.call('DEL', key) end
end
return dropped
`;

/**
 * Claims an idempotency key: sets the claim if the key is free or still holds `replacing` (a stale claim being taken
 * over); a key that already holds this very claim is the same request's call retried after its answer was lost.
 * KEYS: the key. ARGV: the claim, ttl ms, the claim it may replace ("" for none).
 * Returns {1, claim} when claimed, {0, stored} otherwise.
 */
export const CLAIM = `
local stored = redis.call('GET', KEYS[1])
if stored == ARGV[1] then return {1, stored} end
if not stored or stored == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ARGV[1]}
end
return {0, stored}
`;
