/** The fold inside Redis' script (see ../fold-in-place.ts), run by fold-in-place.ts. */
import { IN_PLACE_CODEC } from "./in-place-codec";
import { FOLD_PRELUDE } from "./scripts";

/**
 * Folds up to ARGV[3] records of a partition's stream from the checkpoint, in one step with the checkpoint's
 * compare-and-set (FOLD_PRELUDE). A record is folded here only if it is what this release's encoder writes
 * (`encodeEvent`'s one layout, its strings in JSON.stringify's own form: see in-place-codec.ts), its fields are what
 * the worker's decoder accepts (`decodeRecord`), it is filed under its task's partition, and its event applies to the
 * stored state (`applyEvent`), itself exactly as `encodeState` writes it; a named list's creation or deletion only
 * while the list is not purged. Anything else (a list's event, an event that does not apply, a stored state or
 * record of another release, a gap in the stream) ends the batch before it: the worker's fold takes that record.
 * Every key written is checked first, as APPLY_BATCH checks them, so nothing is written unless everything is.
 * The keys of the tasks' histories and of their named lists are made here from the namespace's prefix (ARGV[4]),
 * as shared/projection/keys.ts makes them: they come from the records, which only this script reads. Redis allows
 * that outside a cluster, and Upstash runs a script that does not declare its keys under its global lock.
 * KEYS: APPLY_BATCH's first ten, the set of purged lists, the stream, its next-offset counter.
 * ARGV: partition, checkpoint, limit, prefix, partition count, now (ISO), 'lists' (answer the named lists' changed
 *   tasks) or '', lease token, lease time to live in ms.
 * Returns {1, newCheckpoint, applied, end, handoff, listId, taskId, ...}: end as APPLY_BATCH's finish answers it
 * (-2 when the batch did not reach the log's end), handoff 1 when the batch ended at a record for the worker's
 * fold; {6} when the first record is one (nothing written); APPLY_BATCH's {0, ...}, {2, ...} and {3, ...}.
 */
export const FOLD_IN_PLACE = `${FOLD_PRELUDE}${String.raw`
for _, f in ipairs({{11, 'set'}, {12, 'stream'}, {13, 'string'}}) do
  local t = kind(KEYS[f[1]])
  if t ~= 'none' and t ~= f[2] then return {3, KEYS[f[1]], 'holds a ' .. t .. ', not a ' .. f[2]} end
end
local partition, from, limit, parts = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local prefix = ARGV[4]
`}${IN_PLACE_CODEC}${String.raw`
-- The records: consecutive from the checkpoint (offset N is entry N-1), each with its key, value and time.
local entries = redis.call('XRANGE', KEYS[12], int(from) .. '-1', '+', 'COUNT', limit)
local events = {}
local stopAt = nil
for i, entry in ipairs(entries) do
  local offset = from + i - 1
  -- Offset N's entry is N-1. Redis writes an entry's id one way only: its number read back and its sequence tell it.
  local id = entry[1]
  local offsetText = string.sub(id, 1, -3)
  if tonumber(offsetText) ~= offset or string.sub(id, -2) ~= '-1' then stopAt = offset break end
  local f = entry[2]
  local raw, key, t
  if #f == 6 and f[1] == 'k' and f[3] == 'v' and f[5] == 't' then key, raw, t = f[2], f[4], f[6]
  else
    for j = 1, #f - 1, 2 do
      local name = f[j]
      if name == 'v' then raw = f[j + 1] elseif name == 'k' then key = f[j + 1] elseif name == 't' then t = f[j + 1] end
    end
  end
  t = tonumber(t)
  if not raw or not key or not t or t ~= t or t == math.huge or t == -math.huge then stopAt = offset break end
  local e = decode(raw, offsetText)
  if not e or partitionOf(e.id, parts) ~= partition then stopAt = offset break end
  events[#events + 1] = e
end
-- Fewer records than asked for: the end of the log, unless its counter says records after them are missing.
local atEnd = false
if not stopAt and #entries < limit then
  local nextOffset = tonumber(redis.call('GET', KEYS[13]) or '')
  if nextOffset and nextOffset ~= from + #entries then stopAt = from + #entries else atEnd = true end
end

-- The states of the batch's tasks.
local ids, seen = {}, {}
for _, e in ipairs(events) do
  if not seen[e.id] then
    seen[e.id] = true
    ids[#ids + 1] = e.id
  end
end
local states, stored = {}, {}
for i = 1, #ids, 1000 do
  local last = math.min(i + 999, #ids)
  local got = redis.call('HMGET', KEYS[2], unpack(ids, i, last))
  for j = i, last do
    local raw = got[j - i + 1]
    if raw then
      states[ids[j]] = storedState(raw, ids[j])
      stored[#stored + 1] = ids[j]
    end
  end
end

-- The fold (evolve.ts applyEvent, fold.ts foldBatch and indexByList), of the events that apply.
local purged = {}
local function isPurged(list)
  if purged[list] == nil then purged[list] = redis.call('SISMEMBER', KEYS[11], list) == 1 end
  return purged[list]
end
local written, za, zr = {}, {}, {}
local la, lr, lt, lists = {}, {}, {}, {}
local history, historyKeys = {}, {}
-- The group of key in groups, made (and key added to order) the first time.
local function groupOf(groups, order, key)
  local g = groups[key]
  if not g then
    g = {}
    groups[key] = g
    order[#order + 1] = key
  end
  return g
end
local function add(groups, list, v)
  local g = groupOf(groups, lists, list)
  g[#g + 1] = v
end
local applied = 0
local entryStart = '{"partition":' .. int(partition) .. ',"offset":'
for i, e in ipairs(events) do
  local offset = from + i - 1
  local s = states[e.id]
  local after
  if s == nil then
    if e.type ~= 'TaskCreated' or e.version ~= 1 or (e.list and isPurged(e.list)) then stopAt = offset break end
    after = {status = 'active', id = e.id, text = e.text, done = false, createdAt = e.at, updatedAt = e.at,
      version = 1, list = e.list}
    local score = string.format('%.0f', e.when * 1024 + offset % 1024)
    if e.list then
      add(la, e.list, score)
      add(la, e.list, e.id)
    else
      za[#za + 1] = score
      za[#za + 1] = e.id
    end
  elseif s and s.status == 'active' and e.type ~= 'TaskCreated' and e.version == s.version + 1 then
    if e.type == 'TaskDeleted' then
      if s.list and isPurged(s.list) then stopAt = offset break end
      after = {status = 'deleted', id = e.id, version = e.version, deletedAt = e.at, list = s.list}
      if s.list then
        add(lr, s.list, e.id)
        add(lt, s.list, e.id)
      else
        zr[#zr + 1] = e.id
      end
    else
      after = {status = 'active', id = s.id, text = s.text, done = s.done, createdAt = s.createdAt,
        updatedAt = e.at, version = e.version, list = s.list}
      if e.type == 'TaskRenamed' then after.text = e.text
      elseif e.type == 'TaskCompleted' then after.done = true
      else after.done = false end
    end
  else
    stopAt = offset
    break
  end
  if not written[e.id] then written[#written + 1] = e.id end
  written[e.id] = true
  states[e.id] = after
  applied = applied + 1
  -- The history entry as encodeHistoryEntry writes it (codec.ts), made in one concatenation.
  local data = ''
  if e.sealed then data = ',"data":{"sealed":"' .. e.sealed .. '"}'
  elseif e.text then data = ',"data":{"text":"' .. e.text .. '"}' end
  local h = groupOf(history, historyKeys, prefix .. ':history:' .. e.id)
  h[#h + 1] = entryStart .. e.offsetText .. ',"eventId":"' .. e.eventId .. '","type":"' .. e.type .. '","version":' ..
    e.versionText .. ',"occurredAt":"' .. e.at .. '"' .. data ..
    (e.key and (',"metadata":{"idempotencyKey":"' .. e.key .. '"}}') or '}')
end
if applied == 0 and stopAt then return {6} end
local to = from + applied
-- The log's end is reached only if every record read was folded here.
if stopAt then atEnd = false end

-- Every key written checked before the first write.
local existing = 0
for i = 1, #historyKeys, 1000 do
  existing = existing + redis.call('EXISTS', unpack(historyKeys, i, math.min(i + 999, #historyKeys)))
end
local function expect(key, want)
  local t = kind(key)
  if t ~= 'none' and t ~= want then return {3, key, 'holds a ' .. t .. ', not a ' .. want} end
end
-- Those that exist are, as a rule, the histories of the tasks stored before the batch: those are checked first, and
-- every key only if others exist too.
local checked = 0
if existing > 0 then
  for _, id in ipairs(stored) do
    local hk = prefix .. ':history:' .. id
    if history[hk] then
      local t = kind(hk)
      if t ~= 'none' and t ~= 'list' then return {3, hk, 'holds a ' .. t .. ', not a list'} end
      if t == 'list' then checked = checked + 1 end
    end
  end
end
if existing > checked then
  for _, hk in ipairs(historyKeys) do
    local bad = expect(hk, 'list')
    if bad then return bad end
  end
end
for _, list in ipairs(lists) do
  local bad = expect(prefix .. ':list:' .. list, 'zset') or expect(prefix .. ':list-tasks:' .. list, 'set')
  if bad then return bad end
end
local badCount = badCounters()
if badCount then return badCount end

local function many(command, key, args)
  for i = 1, #args, 1000 do redis.call(command, key, unpack(args, i, math.min(i + 999, #args))) end
end
if applied > 0 then
  if not count then redis.call('SET', KEYS[8], ARGV[5]) end
  local pairs_ = {}
  for _, id in ipairs(written) do
    pairs_[#pairs_ + 1] = id
    pairs_[#pairs_ + 1] = encodeState(states[id])
  end
  many('HSET', KEYS[2], pairs_)
  many('ZADD', KEYS[3], za)
  many('ZREM', KEYS[3], zr)
  for _, list in ipairs(lists) do
    if la[list] then many('ZADD', prefix .. ':list:' .. list, la[list]) end
    if lr[list] then many('ZREM', prefix .. ':list:' .. list, lr[list]) end
  end
  for _, hk in ipairs(historyKeys) do many('RPUSH', hk, history[hk]) end
  for _, list in ipairs(lists) do
    if lt[list] then many('SADD', prefix .. ':list-tasks:' .. list, lt[list]) end
  end
  redis.call('HINCRBY', KEYS[4], 'applied', applied)
end
-- Nothing to fold: the fold ends as END_FOLD ends it, and nothing else is written.
local ended
if #entries == 0 then
  local held = ARGV[8] ~= '' and redis.call('GET', KEYS[9]) == ARGV[8]
  if not held then ended = -1
  elseif redis.call('DEL', KEYS[10]) == 1 then
    redis.call('PEXPIRE', KEYS[9], ARGV[9])
    ended = 1
  else
    redis.call('DEL', KEYS[9])
    ended = 0
  end
else
  ended = settle(to, atEnd, nil)
end
local answer = {1, to, applied, ended or -2, stopAt and 1 or 0}
if ARGV[7] == 'lists' then
  for _, id in ipairs(written) do
    local list = states[id].list
    if list then
      answer[#answer + 1] = list
      answer[#answer + 1] = id
    end
  end
end
return answer
`}`;
