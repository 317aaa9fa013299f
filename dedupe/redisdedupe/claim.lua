-- Claims rows' addresses, each row all-or-nothing (see package redisdedupe).
-- KEYS: the job's 16 shard hashes.
-- ARGV: the TTL in milliseconds; the number of rows R; then, for each shard s, the count of its
-- fields; then the (field, value) pairs of shard 1, of shard 2, …; then one string with, for each
-- pair in that order, the row it belongs to (0 to R-1) in two bytes, big-endian. A value is
-- "ROW:SOURCE", the claiming row and source. No field appears twice in a call (the caller splits
-- batches where one would).
-- Returns an empty array when every row now holds all its fields; else, for each pair whose field
-- is held by another claim, its index (from 1) and the holder's "ROW:SOURCE": the rows of those
-- pairs claimed nothing, every other row claimed all its fields. A field holding the pair's own
-- value (a rerun) does not count as held by another.
local argv, call, byte = ARGV, redis.call, string.byte
local ttl = argv[1]
local nk = #KEYS
local first = 3 + nk -- ARGV[first] is the first pair's field
local batch = 4000 -- arguments per HMGET/HSET: Lua's unpack has a limit

-- The holders before the call: one HMGET per shard (per few thousand fields).
local held = {}
local p = first
for s = 1, nk do
  local c = tonumber(argv[2 + s])
  local stop = p + 2 * c
  while p < stop do
    local names, n = {}, 0
    while p < stop and n < batch do
      n = n + 1
      names[n] = argv[p]
      p = p + 2
    end
    local vals = call('HMGET', KEYS[s], unpack(names))
    local q = p - 2 * n -- the field of vals[1]
    for j = 1, n do
      local v = vals[j]
      if v and v ~= argv[q + 1] then
        held[#held + 1] = (q - first) / 2 + 1
        held[#held + 1] = v
      end
      q = q + 2
    end
  end
end
local pairsEnd = p -- argv[pairsEnd] is the row string

-- The rows that lost: those of the held pairs.
local lost = {}
if #held > 0 then
  local rowOf = argv[pairsEnd]
  for j = 1, #held, 2 do
    local i = 2 * held[j] - 1
    local hi, lo = byte(rowOf, i, i + 1)
    lost[hi * 256 + lo] = true
  end
end

-- Write the winners, and keep the whole job until TTL after this call.
p = first
for s = 1, nk do
  local c = tonumber(argv[2 + s])
  local stop = p + 2 * c
  if #held == 0 then
    while p < stop do
      local e = math.min(p + batch, stop) - 1
      call('HSET', KEYS[s], unpack(argv, p, e))
      p = e + 1
    end
  else
    local rowOf = argv[pairsEnd]
    local set, n = {}, 0
    while p < stop do
      local i = p - first + 1 -- (i + 1) / 2 is the pair's index
      local hi, lo = byte(rowOf, i, i + 1)
      if not lost[hi * 256 + lo] then
        set[n + 1], set[n + 2] = argv[p], argv[p + 1]
        n = n + 2
        if n >= batch then
          call('HSET', KEYS[s], unpack(set, 1, n))
          set, n = {}, 0
        end
      end
      p = p + 2
    end
    if n > 0 then call('HSET', KEYS[s], unpack(set, 1, n)) end
  end
  call('PEXPIRE', KEYS[s], ttl)
end
return held
