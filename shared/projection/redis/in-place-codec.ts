/**
 * The fold inside Redis' reading and writing of records and states (Lua, a part of FOLD_IN_PLACE): what the worker's
 * codecs do, for the records and states they would write themselves, byte for byte, and nothing else. Each function
 * names the TypeScript it follows; the differential test (test/projection/fold-in-place.test.ts) holds them to it.
 */
export const IN_PLACE_CODEC = String.raw`
local MAX_SAFE = 9007199254740991

-- JSON.stringify's string: '"' and '\' escaped, and the C0 controls (\b \f \n \r \t by name).
local NAMED = {['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r',
  ['\t'] = '\\t'}
local function escape(c) return NAMED[c] or string.format('\\u%04x', string.byte(c)) end
local function str(s) return '"' .. (string.gsub(s, '[%z\1-\31"\\]', escape)) .. '"' end
local function int(n) return string.format('%d', n) end
local function isInt(n, least) return type(n) == 'number' and n == math.floor(n) and n >= least and n <= MAX_SAFE end

local H = '[0-9a-f]'
local UUID = '^' .. string.rep(H, 8) .. '%-' .. string.rep(H, 4) .. '%-' .. string.rep(H, 4) .. '%-' ..
  string.rep(H, 4) .. '%-' .. string.rep(H, 12) .. '$'
local function isUuid(v) return type(v) == 'string' and string.find(v, UUID) ~= nil end
local function isListId(v) return type(v) == 'string' and #v <= 64 and string.find(v, '^[A-Za-z0-9_-]+$') ~= nil end
local function isPayload(v) return type(v) == 'string' and #v <= 5400 and string.find(v, '^[A-Za-z0-9_-]+$') ~= nil end
-- A text that starts with a sealed reference's mark, of any form (sealed.ts isSealed).
local function posesSealed(s)
  return string.byte(s, 1) == 127 or string.sub(s, 1, 2) == '\194\145' or string.sub(s, 1, 8) == '\0sealed:'
end
-- Code points of valid UTF-8 (what JSON decoding gives): its bytes less its continuation bytes.
local function codePointsAtMost(s, max)
  if #s <= max then return true end
  local _, continuation = string.gsub(s, '[\128-\191]', '')
  return #s - continuation <= max
end

-- Milliseconds since the epoch of a time in toISOString's form naming a real instant (timestamps.ts), else nil.
local DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
local function instant(v)
  if type(v) ~= 'string' then return nil end
  local y, mo, d, h, mi, s, ms = string.match(v, '^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)%.(%d%d%d)Z$')
  if not y then return nil end
  y, mo, d, h, mi, s = tonumber(y), tonumber(mo), tonumber(d), tonumber(h), tonumber(mi), tonumber(s)
  if mo < 1 or mo > 12 or d < 1 or h > 23 or mi > 59 or s > 59 then return nil end
  local leap = y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
  if d > ((mo == 2 and leap) and 29 or DAYS[mo]) then return nil end
  local yy = mo <= 2 and y - 1 or y
  local era = math.floor(yy / 400)
  local yoe = yy - era * 400
  local doy = math.floor((153 * ((mo + 9) % 12) + 2) / 5) + d - 1
  local days = era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
  return (((days * 24 + h) * 60 + mi) * 60 + s) * 1000 + tonumber(ms)
end

-- The partition of a task id (ASCII): FNV-1a of its bytes (port.ts partitionOf).
local function partitionOf(key, parts)
  if parts == 1 then return 0 end
  local h = 2166136261
  for i = 1, #key do
    h = bit.bxor(h, string.byte(key, i)) % 4294967296
    h = (h * 403 + (h % 256) * 16777216) % 4294967296
  end
  return h % parts
end

-- A sealed reference's event id: the base64url of the UUID's 16 bytes (sealed.ts compactId).
local DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
local function digit(v) return string.sub(DIGITS, v + 1, v + 1) end
local function compactId(id)
  local hex = string.gsub(id, '%-', '')
  local out = {}
  for i = 1, 30, 3 do
    local v = tonumber(string.sub(hex, i, i + 2), 16)
    out[#out + 1] = digit(math.floor(v / 64)) .. digit(v % 64)
  end
  local last = tonumber(string.sub(hex, 31, 32), 16)
  out[#out + 1] = digit(math.floor(last / 4)) .. digit((last % 4) * 16)
  return table.concat(out)
end

local METADATA = {'requestId', 'correlationId', 'idempotencyKey'}
-- A record's event, if it is one the fold inside Redis folds (see in-place-script.ts), else nil.
local function decode(raw)
  local ok, e = pcall(cjson.decode, raw)
  if not ok or type(e) ~= 'table' or e.schemaVersion ~= 1 then return nil end
  local t, v, at, d, m = e.type, e.version, e.occurredAt, e.data, e.metadata
  if not isUuid(e.eventId) or not isUuid(e.taskId) or not isInt(v, 1) or type(d) ~= 'table' or type(m) ~= 'table' then
    return nil
  end
  local when = instant(at)
  if not when then return nil end
  local out = {id = e.taskId, eventId = e.eventId, type = t, version = v, at = at, when = when}
  local data = '{}'
  if t == 'TaskCreated' or t == 'TaskRenamed' then
    if d.sealed ~= nil then
      if d.text ~= nil or not isPayload(d.sealed) then return nil end
      out.sealed = d.sealed
      out.text = '\127' .. compactId(e.eventId) .. d.sealed
      data = '{"sealed":"' .. d.sealed .. '"'
    else
      if type(d.text) ~= 'string' or posesSealed(d.text) or not codePointsAtMost(d.text, 1000) then return nil end
      out.text = d.text
      data = '{"text":' .. str(d.text)
    end
    if t == 'TaskCreated' and d.listId ~= nil then
      if not isListId(d.listId) then return nil end
      out.list = d.listId
      data = data .. ',"listId":"' .. d.listId .. '"'
    elseif t == 'TaskCreated' and out.sealed then
      return nil
    end
    data = data .. '}'
  elseif t ~= 'TaskCompleted' and t ~= 'TaskReopened' and t ~= 'TaskDeleted' then
    return nil
  end
  local meta = {}
  for _, k in ipairs(METADATA) do
    local f = m[k]
    if f ~= nil then
      if type(f) ~= 'string' or #f > 256 then return nil end
      meta[#meta + 1] = '"' .. k .. '":' .. str(f)
    end
  end
  out.key = m.idempotencyKey
  local encoded = '{"eventId":"' .. e.eventId .. '","type":"' .. t .. '","schemaVersion":1,"taskId":"' .. e.taskId ..
    '","version":' .. int(v) .. ',"occurredAt":"' .. at .. '","data":' .. data .. ',"metadata":{' ..
    table.concat(meta, ',') .. '}}'
  if encoded ~= raw then return nil end
  return out
end

-- A state as encodeState writes it (codec.ts): JSON.stringify of the TaskState, its fields in their order.
local function encodeState(s)
  local list = s.list and (',"listId":' .. str(s.list)) or ''
  if s.status == 'active' then
    return '{"status":"active","task":{"id":' .. str(s.id) .. ',"text":' .. str(s.text) .. ',"done":' ..
      tostring(s.done) .. ',"createdAt":' .. str(s.createdAt) .. ',"updatedAt":' .. str(s.updatedAt) ..
      ',"version":' .. int(s.version) .. list .. '}}'
  end
  return '{"status":"deleted","id":' .. str(s.id) .. ',"version":' .. int(s.version) .. ',"deletedAt":' ..
    str(s.deletedAt) .. list .. '}'
end

-- A stored state of the task id, if it is one encodeState wrote, else false (the worker's fold reads it).
local function storedState(raw, id)
  local ok, s = pcall(cjson.decode, raw)
  if not ok or type(s) ~= 'table' then return false end
  local st
  if s.status == 'active' and type(s.task) == 'table' then
    local k = s.task
    st = {status = 'active', id = k.id, text = k.text, done = k.done, createdAt = k.createdAt,
      updatedAt = k.updatedAt, version = k.version, list = k.listId}
    if type(st.text) ~= 'string' or type(st.done) ~= 'boolean' or type(st.createdAt) ~= 'string' or
      type(st.updatedAt) ~= 'string' then return false end
  elseif s.status == 'deleted' then
    st = {status = 'deleted', id = s.id, version = s.version, deletedAt = s.deletedAt, list = s.listId}
    if type(st.deletedAt) ~= 'string' then return false end
  else
    return false
  end
  if st.id ~= id or not isInt(st.version, 1) or (st.list ~= nil and type(st.list) ~= 'string') then return false end
  if encodeState(st) ~= raw then return false end
  return st
end
`;
