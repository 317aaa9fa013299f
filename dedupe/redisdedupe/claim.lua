-- Claims rows' addresses in order, each row all-or-nothing (see package redisdedupe).
-- KEYS: the rows' address keys, row after row.
-- ARGV[1]: the TTL in milliseconds; ARGV[2]: the claiming source; then, per row, its row number
-- and its count of keys.
-- Returns one entry per row: 0 when the row now holds all its keys; else {i, "ROW:SOURCE"}, the
-- position (from 1) of the row's first key held by another claim, and that claim. A key holding
-- the row's own "ROW:SOURCE" (a rerun) does not count as held by another.
local ttl, src = ARGV[1], ARGV[2]
-- The keys' holders before the batch, looked up with MGET a few thousand keys at a time (Lua's
-- unpack has a limit); keys set by earlier rows of the batch are in mine.
local held = {}
for first = 1, #KEYS, 4000 do
  local last = math.min(first + 3999, #KEYS)
  local vals = redis.call('MGET', unpack(KEYS, first, last))
  for i = 1, #vals do
    held[first + i - 1] = vals[i]
  end
end
local mine = {}
local out = {}
local k = 0
for a = 3, #ARGV, 2 do
  local me = ARGV[a] .. ':' .. src
  local n = tonumber(ARGV[a + 1])
  local hit = false
  for i = 1, n do
    local v = mine[KEYS[k + i]] or held[k + i]
    if v and v ~= me then
      hit = {i, v}
      break
    end
  end
  if hit then
    out[#out + 1] = hit
  else
    for i = 1, n do
      redis.call('SET', KEYS[k + i], me, 'PX', ttl)
      mine[KEYS[k + i]] = me
    end
    out[#out + 1] = 0
  end
  k = k + n
end
return out
