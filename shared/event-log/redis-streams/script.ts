/** The append's checks and writes, its values ARGV[3..lastValue] (`lastValue`: a Lua expression). */
function appendBody(lastValue: string): string {
  return `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local afterLast = 0
if last[1] then afterLast = tonumber(string.match(last[1][1], '^(%d+)')) + 1 end
local nextOffset = afterLast
local counter = redis.call('GET', KEYS[2])
if counter then
  nextOffset = tonumber(counter)
  if nextOffset == nil then return redis.error_reply('ERR ' .. KEYS[2] .. ' is not an offset') end
  if afterLast > nextOffset then
    return redis.error_reply('ERR ' .. KEYS[1] .. ' holds entries past its next offset ' .. counter)
  end
end
local ms = ARGV[1]
local now = redis.pcall('TIME')
if type(now) == 'table' and now[1] and now[2] then
  ms = string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
end
for i = 3, ${lastValue} do
  local id = string.format('%.0f', nextOffset + i - 3) .. '-1'
  redis.call('XADD', KEYS[1], id, 'k', ARGV[2], 'v', ARGV[i], 't', ms)
end
redis.call('SET', KEYS[2], string.format('%.0f', nextOffset + ${lastValue} - 2))
`;
}

/**
 * The Redis Streams append script. Offset N is entry id `N-1`. The partition's next offset is kept apart from its
 * stream, in a counter key beside it, so that no offset is ever given twice: if entries are trimmed or deleted, or
 * the stream key itself is evicted or deleted, the next append still takes the offset after the last one given,
 * and a reader finds the gap instead of a new record at an old offset. A stream written before the counter existed
 * has none yet: its next offset is one past its last entry's (0 for an empty or new stream), and the script then
 * keeps the counter from there on. The records take the offsets from the next one in one script, so no other
 * writer's record can land between them; the counter moves past them in the same script.
 *
 * Scripts do not roll back, so nothing here can fail halfway for a reason the adapter could have checked first
 * (sizes are checked before sending; the ids only grow). Whatever can fail does so before the first write: a stream
 * holding entries at or past the counter (added by hand), or the first XADD when the stream's last id was moved
 * past the next offset (entries deleted by hand before the counter existed). Then nothing is written and the
 * append is refused.
 *
 * KEYS[1]: the stream; KEYS[2]: its counter (the same hash tag). ARGV[1]: the writer's clock (epoch ms); ARGV[2]:
 * the records' key; ARGV[3..]: the values. Fields per entry: k (key), v (value), t (epoch ms, the same for the
 * whole append): the server's clock, or the writer's where a server does not allow TIME in scripts (so that an
 * append never fails for want of a clock). Returns {first offset, timestamp as a string}.
 */
export const APPEND_SCRIPT = `${appendBody("#ARGV")}return {nextOffset, ms}
`;

/**
 * The append with another adapter's step on the same database (`AppendStep`, whose Lua defines `step`, and `check`
 * when it `refuses`), in one script: for a log kept in the projection's database, where the write guard's check of
 * a write and its commit then run in the same atomic call as its records, and with no request of their own. The
 * check runs before anything is written, the step once the records are. KEYS[1..2] as above, then the step's keys
 * (another hash slot, which Redis allows outside a cluster); ARGV as above, then the step's `args` of them. Returns
 * {first offset, timestamp as a string, what the step answered}, or {-1, what the check answered} when it refused.
 */
export function appendStepScript(step: string, args: number, refuses: boolean): string {
  const check = refuses
    ? "local refused = check(stepKeys, stepArgs)\nif refused then return {-1, refused} end\n"
    : "";
  return `${step}local stepKeys, stepArgs = {}, {}
for i = 3, #KEYS do stepKeys[i - 2] = KEYS[i] end
for i = #ARGV - ${args} + 1, #ARGV do stepArgs[#stepArgs + 1] = ARGV[i] end
${check}${appendBody(`#ARGV - ${args}`)}return {nextOffset, ms, step(stepKeys, stepArgs)}
`;
}

/**
 * What a read needs, in one command (Upstash bills a script as one) and one consistent view: the counter (false
 * when there is none yet, as for a stream not appended to since the counter existed) and the entries from ARGV[1]
 * (an entry id), at most ARGV[2] of them. KEYS[1]: the counter; KEYS[2]: the stream (the append's order reversed,
 * so that only the append's call names the stream first). Sent as EVAL: it is short, and a read then never needs
 * a second request for a server that has not cached it.
 */
export const READ_SCRIPT =
  "return {redis.call('GET', KEYS[1]), redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])}";

/** The counter and the stream's last entry, for a head; KEYS as for READ_SCRIPT. */
export const HEAD_SCRIPT =
  "return {redis.call('GET', KEYS[1]), redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)}";

const shas = new Map<string, Promise<string>>();

/** SHA-1 of one of the append scripts, as EVALSHA wants it (computed once per isolate). */
export function appendScriptSha(script: string = APPEND_SCRIPT): Promise<string> {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = crypto.subtle
      .digest("SHA-1", new TextEncoder().encode(script))
      .then((digest) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""));
    shas.set(script, sha);
  }
  return sha;
}
