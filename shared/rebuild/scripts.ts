/**
 * The rebuild's Redis scripts: each decision that must not race another (start one rebuild, switch the live
 * pointer, record a failure) is one script. Every key a script touches is passed in KEYS.
 */

/**
 * Starts a rebuild unless one runs: hands out the next generation and records the rebuild as running. The new
 * namespace is never the live one nor one still waiting for its clean-up.
 * KEYS: rebuild record, generation, pointer, retired. ARGV: base prefix, now (ISO).
 * Returns {1, namespace} when started, {0, namespace} with the running one's otherwise.
 */
export const START_REBUILD = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, r = pcall(cjson.decode, cur)
  if ok and type(r) == 'table' and r.state == 'running' then return {0, tostring(r.namespace)} end
end
local live = redis.call('GET', KEYS[3]) or ARGV[1]
local gen = redis.call('INCR', KEYS[2])
local ns = ARGV[1] .. ':g' .. gen
while ns == live or redis.call('HEXISTS', KEYS[4], ns) == 1 do
  gen = redis.call('INCR', KEYS[2])
  ns = ARGV[1] .. ':g' .. gen
end
redis.call('SET', KEYS[1], cjson.encode({namespace = ns, generation = gen, from = live, state = 'running',
  startedAt = ARGV[2]}))
return {1, ns}
`;

/**
 * Makes the rebuilt namespace the live one, if it is still the running rebuild's and its checkpoint has reached
 * the given head on every partition; the old live namespace is retired (folded until `foldUntil`, deleted from
 * `due`) and the outcome kept in the history.
 * KEYS: rebuild record, pointer, the new namespace's checkpoint, retired, history.
 * ARGV: namespace, base prefix, now (ISO), due (epoch ms), foldUntil (epoch ms), partition count, then each
 *   partition's head in order.
 * Returns {1, old namespace} when switched, {2, partition, checkpoint, head} for the first partition behind,
 * {0} when the namespace is not the running rebuild's.
 */
export const SWITCH_LIVE = `
local cur = redis.call('GET', KEYS[1])
if not cur then return {0} end
local ok, r = pcall(cjson.decode, cur)
if not ok or type(r) ~= 'table' or r.state ~= 'running' or r.namespace ~= ARGV[1] then return {0} end
local n = tonumber(ARGV[6])
for i = 0, n - 1 do
  local cp = tonumber(redis.call('HGET', KEYS[3], tostring(i)) or '0') or 0
  local head = tonumber(ARGV[7 + i])
  if cp < head then return {2, i, cp, head} end
end
local old = redis.call('GET', KEYS[2]) or ARGV[2]
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[4], old, cjson.encode({due = tonumber(ARGV[4]), foldUntil = tonumber(ARGV[5])}))
r.state = 'switched'
r.endedAt = ARGV[3]
r.retired = old
local encoded = cjson.encode(r)
redis.call('SET', KEYS[1], encoded)
redis.call('LPUSH', KEYS[5], encoded)
redis.call('LTRIM', KEYS[5], 0, 9)
return {1, old}
`;

/**
 * Ends the running rebuild as failed, saying why; the live pointer is not touched and the half-built namespace is
 * retired for clean-up at once.
 * KEYS: rebuild record, retired, history. ARGV: namespace, reason, now (ISO), now (epoch ms).
 * Returns 1 when recorded, 0 when the namespace is not the running rebuild's.
 */
export const FAIL_REBUILD = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local ok, r = pcall(cjson.decode, cur)
if not ok or type(r) ~= 'table' or r.state ~= 'running' or r.namespace ~= ARGV[1] then return 0 end
r.state = 'failed'
r.reason = ARGV[2]
r.endedAt = ARGV[3]
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({due = tonumber(ARGV[4]), foldUntil = 0}))
local encoded = cjson.encode(r)
redis.call('SET', KEYS[1], encoded)
redis.call('LPUSH', KEYS[3], encoded)
redis.call('LTRIM', KEYS[3], 0, 9)
return 1
`;
