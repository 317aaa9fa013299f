-- Claims rows' addresses in order, each row all-or-nothing (see package redisdedupe).
-- KEYS: the job's 16 shard hashes; an address's field lives in shard (first byte % 16) + 1.
-- ARGV: the TTL in milliseconds, the claiming source, the number of rows R, then R pairs (row
-- number, count of the row's fields), then the rows' fields, row after row.
-- Returns one entry per row: 0 when the row now holds all its fields; else {i, "ROW:SOURCE"}, the
-- position (from 1) of the row's first field held by another claim, and that claim. A field
-- holding the row's own "ROW:SOURCE" (a rerun) does not count as held by another.
local ttl, src, rows = ARGV[1], ARGV[2], tonumber(ARGV[3])
local f0 = 3 + 2 * rows -- ARGV[f0 + p] is the p-th field
local nf = #ARGV - f0
local batch = 4000 -- arguments per HMGET/HSET: Lua's unpack has a limit

-- The holders before the batch: one HMGET per shard (per few thousand fields).
local groups = {}
for s = 1, #KEYS do groups[s] = {} end
for p = 1, nf do
  local g = groups[string.byte(ARGV[f0 + p], 1) % #KEYS + 1]
  g[#g + 1] = p
end
local held = {}
for s = 1, #KEYS do
  local g = groups[s]
  for first = 1, #g, batch do
    local names = {}
    for j = first, math.min(first + batch - 1, #g) do names[#names + 1] = ARGV[f0 + g[j]] end
    local vals = redis.call('HMGET', KEYS[s], unpack(names))
    for j = 1, #vals do held[g[first + j - 1]] = vals[j] end
  end
end

-- The rows in order; fields won by earlier rows of the batch are in mine.
local mine, sets, out, k = {}, {}, {}, 0
for s = 1, #KEYS do sets[s] = {} end
for a = 4, f0 - 1, 2 do
  local me = ARGV[a] .. ':' .. src
  local n = tonumber(ARGV[a + 1])
  local hit = false
  for i = 1, n do
    local v = mine[ARGV[f0 + k + i]] or held[k + i]
    if v and v ~= me then
      hit = {i, v}
      break
    end
  end
  if hit then
    out[#out + 1] = hit
  else
    for i = 1, n do
      local f = ARGV[f0 + k + i]
      mine[f] = me
      local set = sets[string.byte(f, 1) % #KEYS + 1]
      set[#set + 1] = f
      set[#set + 1] = me
    end
    out[#out + 1] = 0
  end
  k = k + n
end

-- Write the winners, and keep the whole job until TTL after this batch.
for s = 1, #KEYS do
  local set = sets[s]
  for first = 1, #set, batch do
    redis.call('HSET', KEYS[s], unpack(set, first, math.min(first + batch - 1, #set)))
  end
  redis.call('PEXPIRE', KEYS[s], ttl)
end
return out
