/**
 * The fold inside Redis' reading and writing of records and states (Lua, a part of FOLD_IN_PLACE): what the worker's
 * codecs do, for the records and states they would write themselves, byte for byte, and nothing else. They read the
 * JSON as text, in the one layout this release writes, without decoding it: a string is kept as written between its
 * quotes (its *body*), and copied so into the state and the history entry, which is what JSON.stringify would write
 * for it once decoded, as long as the body is in JSON.stringify's own form (`isCanonical`). Each function names the
 * TypeScript it follows; the differential test (test/projection/fold-in-place.test.ts) holds them to it.
 */
export const IN_PLACE_CODEC = String.raw`
local MAX_SAFE = 9007199254740991
local function int(n) return string.format('%d', n) end

-- The index of the quote that ends the JSON string whose opening quote is at i, or nil.
local function stringEnd(s, i)
  local j = i
  while true do
    j = string.find(s, '"', j + 1, true)
    if not j then return nil end
    local k = j - 1
    while string.byte(s, k) == 92 do k = k - 1 end
    if (j - 1 - k) % 2 == 0 then return j end
  end
end

-- Whether b is well-formed UTF-8 (what the worker decodes without replacing anything).
local function isUtf8(b)
  if not string.find(b, '[\128-\255]') then return true end
  local i, n = 1, #b
  while i <= n do
    local c = string.byte(b, i)
    if c < 128 then i = i + 1
    else
      local len, least
      if c >= 194 and c <= 223 then len, least = 2, 128
      elseif c >= 224 and c <= 239 then len, least = 3, 2048
      elseif c >= 240 and c <= 244 then len, least = 4, 65536
      else return false end
      local cp = c % (2 ^ (7 - len))
      for k = 1, len - 1 do
        local d = string.byte(b, i + k)
        if not d or d < 128 or d > 191 then return false end
        cp = cp * 64 + d - 128
      end
      if cp < least or cp > 1114111 or (cp >= 55296 and cp <= 57343) then return false end
      i = i + len
    end
  end
  return true
end

-- Whether a string's body is as JSON.stringify writes it: UTF-8, no raw control character, and no escape but \" \\
-- \b \f \n \r \t and \u00xx (lowercase) for the other controls. The worker would decode it and write it back so.
local SHORT = {['"'] = true, ['\\'] = true, b = true, f = true, n = true, r = true, t = true}
local NAMED_CONTROL = {[8] = true, [9] = true, [10] = true, [12] = true, [13] = true}
local function isCanonical(b)
  -- Printable ASCII but for the quote and the backslash (and DEL, which JSON.stringify leaves too): at once.
  if string.find(b, '^[ !#-[%]^-~\127]*$') then return true end
  if string.find(b, '[%z\1-\31]') or not isUtf8(b) then return false end
  local at = string.find(b, '\\', 1, true)
  while at do
    local c = string.sub(b, at + 1, at + 1)
    if c == 'u' then
      local hex = string.sub(b, at + 2, at + 5)
      if not string.find(hex, '^00[01][0-9a-f]$') or NAMED_CONTROL[tonumber(hex, 16)] then return false end
      at = at + 6
    elseif SHORT[c] then at = at + 2
    else return false end
    at = string.find(b, '\\', at, true)
  end
  return true
end

-- The body of the JSON string opening at s[i], if it is canonical and at most max bytes long as written (so at most
-- max UTF-16 units once decoded), or, with codePoints, at most max code points once decoded; and the index after
-- its closing quote.
local function body(s, i, max, codePoints)
  if string.byte(s, i) ~= 34 then return nil end
  local j = stringEnd(s, i)
  if not j then return nil end
  local b = string.sub(s, i + 1, j - 1)
  if #b > max then
    -- Longer as written: counted once decoded, for a body without escapes (UTF-8: less its continuation bytes).
    if not codePoints or string.find(b, '\\', 1, true) then return nil end
    local _, continuation = string.gsub(b, '[\128-\191]', '')
    if #b - continuation > max then return nil end
  end
  if not isCanonical(b) then return nil end
  return b, j + 1
end

-- Milliseconds since the epoch of a time in toISOString's form naming a real instant (timestamps.ts), else nil; v
-- has the form already (TIME). A batch's times share few dates: each date's day number is worked out once a call.
local DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
local dayNumbers = {}
local function dayNumber(date)
  local y, mo, d = tonumber(string.sub(date, 1, 4)), tonumber(string.sub(date, 6, 7)), tonumber(string.sub(date, 9, 10))
  if mo < 1 or mo > 12 or d < 1 then return false end
  local leap = y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
  if d > ((mo == 2 and leap) and 29 or DAYS[mo]) then return false end
  local yy = mo <= 2 and y - 1 or y
  local era = math.floor(yy / 400)
  local yoe = yy - era * 400
  local doy = math.floor((153 * ((mo + 9) % 12) + 2) / 5) + d - 1
  return era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
end
local function instant(v)
  local date = string.sub(v, 1, 10)
  local days = dayNumbers[date]
  if days == nil then
    days = dayNumber(date)
    dayNumbers[date] = days
  end
  if not days then return nil end
  local h1, h2, _, m1, m2, _, s1, s2, _, f1, f2, f3 = string.byte(v, 12, 23)
  local h, mi, s = h1 * 10 + h2 - 528, m1 * 10 + m2 - 528, s1 * 10 + s2 - 528
  if h > 23 or mi > 59 or s > 59 then return nil end
  return (((days * 24 + h) * 60 + mi) * 60 + s) * 1000 + f1 * 100 + f2 * 10 + f3 - 5328
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

-- A sealed reference's event id: the base64url of the UUID's 16 bytes (sealed.ts compactId). Each three hex digits
-- (12 bits: nibbles x, y, z) make two characters, x * 4 + the top two bits of y, then the low two bits of y * 16 + z;
-- the last two digits make two more, the second padded with zero bits. Written out, so that no table is made.
local DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
local C, N = {}, {}
for v = 0, 63 do C[v] = string.byte(DIGITS, v + 1) end
for c = 48, 57 do N[c] = c - 48 end
for c = 97, 102 do N[c] = c - 87 end
local function compactId(id)
  local b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21, b22, b23,
    b24, b25, b26, b27, b28, b29, b30, b31, b32, b33, b34, b35, b36
    = string.byte(id, 1, 36)
  local n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, n19, n20, n21, n22, n23,
    n24, n25, n26, n27, n28, n29, n30, n31, n32
    = N[b1], N[b2], N[b3], N[b4], N[b5], N[b6], N[b7], N[b8], N[b10], N[b11], N[b12], N[b13], N[b15], N[b16],
    N[b17], N[b18], N[b20], N[b21], N[b22], N[b23], N[b25], N[b26], N[b27], N[b28], N[b29], N[b30], N[b31], N[b32],
    N[b33], N[b34], N[b35], N[b36]
  return string.char(
    C[n1 * 4 + (n2 - n2 % 4) / 4], C[n2 % 4 * 16 + n3],
    C[n4 * 4 + (n5 - n5 % 4) / 4], C[n5 % 4 * 16 + n6],
    C[n7 * 4 + (n8 - n8 % 4) / 4], C[n8 % 4 * 16 + n9],
    C[n10 * 4 + (n11 - n11 % 4) / 4], C[n11 % 4 * 16 + n12],
    C[n13 * 4 + (n14 - n14 % 4) / 4], C[n14 % 4 * 16 + n15],
    C[n16 * 4 + (n17 - n17 % 4) / 4], C[n17 % 4 * 16 + n18],
    C[n19 * 4 + (n20 - n20 % 4) / 4], C[n20 % 4 * 16 + n21],
    C[n22 * 4 + (n23 - n23 % 4) / 4], C[n23 % 4 * 16 + n24],
    C[n25 * 4 + (n26 - n26 % 4) / 4], C[n26 % 4 * 16 + n27],
    C[n28 * 4 + (n29 - n29 % 4) / 4], C[n29 % 4 * 16 + n30],
    C[n31 * 4 + (n32 - n32 % 4) / 4], C[n32 % 4 * 16]
  )
end

local H = '[0-9a-f]'
local UUID = string.rep(H, 8) .. '%-' .. string.rep(H, 4) .. '%-' .. string.rep(H, 4) .. '%-' .. string.rep(H, 4) ..
  '%-' .. string.rep(H, 12)
local TIME = '%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ'
-- encodeEvent's layout up to the data (decode.ts checks the same fields; a version is a positive safe integer).
local ENVELOPE = '^{"eventId":"(' .. UUID .. ')","type":"(%a+)","schemaVersion":1,"taskId":"(' .. UUID ..
  ')","version":([1-9]%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?),"occurredAt":"(' .. TIME .. ')","data":{()'
local TEXT_EVENT = {TaskCreated = true, TaskRenamed = true}
local NO_DATA = {TaskCompleted = true, TaskReopened = true, TaskDeleted = true}
-- The metadata's fields in encodeEvent's order, each as written first in the object and after another, with the
-- code of its name's first letter (read before a name is compared).
local METADATA = {}
for _, k in ipairs({'requestId', 'correlationId', 'idempotencyKey'}) do
  METADATA[#METADATA + 1] = {k, '"' .. k .. '":', ',"' .. k .. '":', string.byte(k, 1)}
end

-- A record's event, if it is one the fold inside Redis folds (see in-place-script.ts), else nil: the fields of
-- decode.ts' envelope, its text (a body, or the sealed reference of data.sealed) and its idempotency key (a body);
-- with its offset as written (offsetText).
local function decode(raw, offsetText)
  local eventId, t, taskId, digits, at, i = string.match(raw, ENVELOPE)
  if not eventId then return nil end
  local v = tonumber(digits)
  local when = v <= MAX_SAFE and instant(at)
  if not when then return nil end
  -- Every field named here, those set later too, so that the table is made at its size once.
  local e = {id = taskId, eventId = eventId, type = t, version = v, versionText = digits, at = at, when = when,
    offsetText = offsetText, text = nil, sealed = nil, list = nil, key = nil}
  if TEXT_EVENT[t] then
    if string.sub(raw, i, i + 7) == '"text":"' then
      local b, after = body(raw, i + 7, 1000, true)
      if not b then return nil end
      -- decode.ts: a text never starts with a sealed reference's mark, of any form (sealed.ts isSealed).
      local c = string.byte(b, 1)
      if c == 127 or (c == 194 and string.sub(b, 1, 2) == '\194\145') or
        (c == 92 and string.sub(b, 1, 13) == '\\u0000sealed:') then return nil end
      e.text, i = b, after
    elseif string.sub(raw, i, i + 9) == '"sealed":"' then
      local j = string.find(raw, '"', i + 10, true)
      if not j or j - i - 10 > 5400 then return nil end
      e.sealed = string.sub(raw, i + 10, j - 1)
      if not string.find(e.sealed, '^[A-Za-z0-9_-]+$') then return nil end
      e.text, i = '\127' .. compactId(eventId) .. e.sealed, j + 1
    else
      return nil
    end
    if t == 'TaskCreated' then
      local list, after = string.match(raw, '^,"listId":"([A-Za-z0-9_-]+)"()', i)
      if list and #list <= 64 then e.list, i = list, after
      elseif list or e.sealed then return nil end
    end
    if string.byte(raw, i) ~= 125 then return nil end
    i = i + 1
  elseif NO_DATA[t] then
    if string.byte(raw, i) ~= 125 then return nil end
    i = i + 1
  else
    return nil
  end
  if string.sub(raw, i, i + 12) ~= ',"metadata":{' then return nil end
  i = i + 13
  local first = true
  for _, m in ipairs(METADATA) do
    local name = first and m[2] or m[3]
    if string.byte(raw, i + #name - #m[1] - 2) == m[4] and string.sub(raw, i, i + #name - 1) == name then
      local b, after = body(raw, i + #name, 256)
      if not b then return nil end
      if m[1] == 'idempotencyKey' then e.key = b end
      i, first = after, false
    end
  end
  if i ~= #raw - 1 or string.sub(raw, i) ~= '}}' then return nil end
  return e
end

-- A state as encodeState writes it (codec.ts): JSON.stringify of the TaskState, its fields in their order; its
-- strings are bodies.
local function encodeState(s)
  local list = s.list and (',"listId":"' .. s.list .. '"') or ''
  if s.status == 'active' then
    return '{"status":"active","task":{"id":"' .. s.id .. '","text":"' .. s.text .. '","done":' .. tostring(s.done) ..
      ',"createdAt":"' .. s.createdAt .. '","updatedAt":"' .. s.updatedAt .. '","version":' .. int(s.version) ..
      list .. '}}'
  end
  return '{"status":"deleted","id":"' .. s.id .. '","version":' .. int(s.version) .. ',"deletedAt":"' .. s.deletedAt ..
    '"' .. list .. '}'
end

local VERSION = '([1-9]%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?)'
local PLAIN = '([^"\\%z\1-\31]*)'
-- A stored state of the task id, if it is one encodeState wrote, else false (the worker's fold reads it).
local ACTIVE = '{"status":"active","task":{"id":"'
local ACTIVE_REST = '^,"done":(%a+),"createdAt":"' .. PLAIN .. '","updatedAt":"' .. PLAIN .. '","version":' ..
  VERSION .. '()'
local DELETED = '^{"status":"deleted","id":"(' .. UUID .. ')","version":' .. VERSION .. ',"deletedAt":"' .. PLAIN ..
  '"()'
local LIST = '^,"listId":"' .. PLAIN .. '"()'
local function storedState(raw, id)
  local st, i
  if string.sub(raw, 1, #ACTIVE) == ACTIVE then
    local p = #ACTIVE + 1
    if string.sub(raw, p, p + 45) ~= id .. '","text":"' then return false end
    local text
    text, i = body(raw, p + 45, MAX_SAFE)
    if not text then return false end
    local done, created, updated, v, rest = string.match(raw, ACTIVE_REST, i)
    if done ~= 'true' and done ~= 'false' then return false end
    st = {status = 'active', id = id, text = text, done = done == 'true', createdAt = created, updatedAt = updated,
      version = tonumber(v)}
    i = rest
  else
    local got, v, deleted, rest = string.match(raw, DELETED)
    if got ~= id then return false end
    st = {status = 'deleted', id = id, version = tonumber(v), deletedAt = deleted}
    i = rest
  end
  local list, after = string.match(raw, LIST, i)
  if list then st.list, i = list, after end
  local close = st.status == 'active' and '}}' or '}'
  if i ~= #raw - #close + 1 or string.sub(raw, i) ~= close then return false end
  if st.version > MAX_SAFE or (st.list and not isUtf8(st.list)) or not isUtf8(st.createdAt or st.deletedAt) or
    (st.updatedAt and not isUtf8(st.updatedAt)) then return false end
  return st
end
`;
