/**
 * The Redis Streams append script. Offset N is entry id `N-1`: the next offset is one past the last entry's, or
 * 0 for an empty or new stream, and the records take the offsets after it in one script, so no other writer's
 * record can land between them. The only key is the partition's stream, passed in KEYS.
 *
 * Scripts do not roll back, so nothing here can fail halfway for a reason the adapter could have checked first
 * (sizes are checked before sending; the ids only grow). The first XADD is the one that fails if the stream's
 * last id was ever moved past its last entry (entries deleted by hand): then nothing is written and the append
 * is refused.
 *
 * KEYS[1]: the stream. ARGV[1]: the writer's clock (epoch ms); ARGV[2]: the records' key; ARGV[3..]: the values.
 * Fields per entry: k (key), v (value), t (epoch ms, the same for the whole append): the server's clock, or the
 * writer's where a server does not allow TIME in scripts (so that an append never fails for want of a clock).
 * Returns {first offset, timestamp as a string}.
 */
export const APPEND_SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local nextOffset = 0
if last[1] then nextOffset = tonumber(string.match(last[1][1], '^(%d+)')) + 1 end
local ms = ARGV[1]
local now = redis.pcall('TIME')
if type(now) == 'table' and now[1] and now[2] then
  ms = string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
end
for i = 3, #ARGV do
  local id = string.format('%.0f', nextOffset + i - 3) .. '-1'
  redis.call('XADD', KEYS[1], id, 'k', ARGV[2], 'v', ARGV[i], 't', ms)
end
return {nextOffset, ms}
`;

let sha: Promise<string> | undefined;

/** SHA-1 of the script, as EVALSHA wants it (computed once per isolate). */
export function appendScriptSha(): Promise<string> {
  sha ??= crypto.subtle
    .digest("SHA-1", new TextEncoder().encode(APPEND_SCRIPT))
    .then((digest) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""));
  return sha;
}
