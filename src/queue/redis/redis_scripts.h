// The Lua scripts of the Redis queue: each multi-key change is one script, so it is atomic
// (Redis runs a script to completion before any other command) and survives a client crash
// halfway. Time inside the scripts is the server's (TIME), shared by every client.
//
// Key layout (K = "{prefix}:queue", the braces are a Redis Cluster hash tag: every key of one
// queue lives in one slot, as multi-key scripts require):
//   K:stream        stream of ready tasks; consumer group "workers" holds the leases (PEL)
//   K:delayed       sorted set of delayed / retried tasks, score = due time (ms), member = JSON
//   K:dead          stream of dead letters
//   K:stats         hash of lifetime totals: enqueued, acked, retried, dead
//   K:idem:<key>    idempotency key → task id, SET NX EX in the enqueue script (atomic with the XADD)
// Stream entry fields: id (task id), p (payload), e (enqueued at, ms), a (deliveries before this
// entry), r (JSON array of reasons so far). A lease's attempt is a + the PEL delivery count; each
// redelivery by XAUTOCLAIM means the previous lease expired, which adds a "lease expired" reason.
// Lease token: "<stream entry id>:<delivery count>"; a lease is live while the PEL entry belongs
// to the same consumer with the same delivery count and has been idle less than the lease time.
#pragma once

namespace worthit::queue::redis {

// Shared prelude: server time in ms, group creation, entry field decoding, reasons.
// Numbers given to redis.call on the per-task paths are strings (ARGV as sent, or fmt): Redis 7.0
// turns a Lua number argument into text with snprintf("%.17g"), measurable per call.
inline constexpr const char* kPrelude = R"lua(
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(n) return string.format('%d', n) end
-- The stream and its group, created when missing. A stream may exist without the group: an
-- enqueue does not check for it (kEnqueue); BUSYGROUP means it is there.
local function ensure_group(stream, group)
  local ok, err = pcall(redis.call, 'XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
  if not ok then
    local msg = type(err) == 'table' and err.err or tostring(err)
    if not string.find(msg, 'BUSYGROUP', 1, true) then error(err) end
  end
end
local function fields(list)
  local f = {}
  for i = 1, #list, 2 do f[list[i]] = list[i + 1] end
  return f
end
local function reasons_with(json, expired, extra)
  local r = cjson.decode(json)
  for _ = 1, expired do table.insert(r, 'lease expired') end
  if extra then table.insert(r, extra) end
  if #r == 0 then return '[]' end
  return cjson.encode(r)
end
-- The PEL entry of a live lease, or nil (acked, expired, or taken over by another delivery).
local function live(stream, group, eid, consumer, delivered, lease_ms)
  local ok, p = pcall(redis.call, 'XPENDING', stream, group, eid, eid, 1)
  if not ok or #p == 0 then return nil end
  local e = p[1]
  if e[2] ~= consumer or tonumber(e[4]) ~= delivered or tonumber(e[3]) >= lease_ms then return nil end
  return e
end
local function entry(stream, eid)
  local r = redis.call('XRANGE', stream, eid, eid)
  if #r == 0 then return nil end
  return fields(r[1][2])
end
)lua";

// KEYS: stream, delayed, stats[, idem], then the keys of the AtomicRecords
// ARGV: group, payload, delay_ms, ttl_s, task_id, index in KEYS of the first record key, then per
// record: value, ttl_s (0 = no expiry). The records are written first, on both paths (new task or
// the idempotency key's earlier one), so they and the task exist together.
inline constexpr const char* kEnqueue = R"lua(
local id = ARGV[5]
local first = tonumber(ARGV[6] or '0')
if first and first > 0 then
  for k = first, #KEYS do
    local a = 7 + (k - first) * 2
    if tonumber(ARGV[a + 1]) > 0 then
      redis.call('SET', KEYS[k], ARGV[a], 'EX', ARGV[a + 1])
    else
      redis.call('SET', KEYS[k], ARGV[a])
    end
  end
end
-- Claim the idempotency key first (SET NX with its TTL); if it is taken, the first task's id.
if #KEYS >= 4 and not redis.call('SET', KEYS[4], id, 'NX', 'EX', ARGV[4]) then
  return redis.call('GET', KEYS[4])
end
local now = now_ms()
local delay = tonumber(ARGV[3])
if delay > 0 then
  redis.call('ZADD', KEYS[2], now + delay, cjson.encode({id = id, p = ARGV[2], e = fmt(now), a = '0', r = '[]'}))
else
  -- No group check here (an EXISTS per task): XADD creates the stream, and the first lease that
  -- finds no group creates it from id 0 (kLease, NOGROUP), so this entry is read all the same.
  redis.call('XADD', KEYS[1], '*', 'id', id, 'p', ARGV[2], 'e', fmt(now), 'a', '0', 'r', '[]')
end
redis.call('HINCRBY', KEYS[3], 'enqueued', '1')
return id
)lua";

// Many enqueues in one call (EnqueueBatch): one script run instead of one per task.
// KEYS: stream, delayed, stats, then the idempotency keys in use
// ARGV: group, ttl_s, then per task: payload, delay_ms, task_id, key index into KEYS (0 = none)
// Returns the task ids in order (the existing id for a key already taken, also within the batch).
inline constexpr const char* kEnqueueBatch = R"lua(
local now = now_ms()
local group, ttl = ARGV[1], ARGV[2]
local ids = {}
local added = 0
local grouped = false
for i = 3, #ARGV, 4 do
  local payload, delay, id, k = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2], tonumber(ARGV[i + 3])
  if k > 0 and not redis.call('SET', KEYS[k], id, 'NX', 'EX', ttl) then
    table.insert(ids, redis.call('GET', KEYS[k]))
  else
    if delay > 0 then
      redis.call('ZADD', KEYS[2], now + delay, cjson.encode({id = id, p = payload, e = fmt(now), a = '0', r = '[]'}))
    else
      if not grouped then
        ensure_group(KEYS[1], group)
        grouped = true
      end
      redis.call('XADD', KEYS[1], '*', 'id', id, 'p', payload, 'e', fmt(now), 'a', '0', 'r', '[]')
    end
    added = added + 1
    table.insert(ids, id)
  end
end
if added > 0 then redis.call('HINCRBY', KEYS[3], 'enqueued', added) end
return ids
)lua";

// lease(group, consumer, count, lease_ms, max_attempts, reclaim) on KEYS stream, delayed, dead,
// stats; count and lease_ms as the strings the client sent (see the prelude on numbers). reclaim '1': also take over
// expired leases; the client asks for it at most every few hundred ms, because XAUTOCLAIM scans the pending list and
// most calls would find nothing. Returns {now, next_due_ms_or_-1, {eid, id, payload, enqueued, attempt, reasons,
// delivered}...} Commands per call on the busy path (a task ready, nothing delayed due): TIME, ZRANGE, XREADGROUP. The
// group is not checked with EXISTS on every call (the script runs once per leased task): a missing group (first lease
// on a fresh Redis, or after a restart without persistence) shows as NOGROUP from XAUTOCLAIM / XREADGROUP, and is then
// created as ensure_group would have.
inline constexpr const char* kLeaseFunction = R"lua(
local function lease(group, consumer, count_arg, lease_ms, max, reclaim)
local now = now_ms()
local count = tonumber(count_arg)
-- Runs a consumer-group command; on NOGROUP creates the group (MKSTREAM) and runs it again.
local function in_group(...)
  local ok, r = pcall(redis.call, ...)
  if ok then return r end
  local msg = type(r) == 'table' and r.err or tostring(r)
  if not string.find(msg, 'NOGROUP', 1, true) then error(r) end
  redis.call('XGROUP', 'CREATE', KEYS[1], group, '0', 'MKSTREAM')
  return redis.call(...)
end
-- 1. Delayed tasks that are due become ready (bounded per call; the rest follow next call). The
-- head of the delayed set says whether any is due and, when none is, when the next one is.
local head = redis.call('ZRANGE', KEYS[2], '0', '0', 'WITHSCORES')
if #head > 0 and tonumber(head[2]) <= now then
  local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)
  for _, m in ipairs(due) do
    local t = cjson.decode(m)
    redis.call('XADD', KEYS[1], '*', 'id', t.id, 'p', t.p, 'e', t.e, 'a', t.a, 'r', t.r)
    redis.call('ZREM', KEYS[2], m)
  end
  head = redis.call('ZRANGE', KEYS[2], '0', '0', 'WITHSCORES')
end
local out = {}
-- 2. Expired leases: reclaim, or dead-letter those whose last attempt expired.
local claimed = {'0-0', {}}
if reclaim == '1' then
  claimed = in_group('XAUTOCLAIM', KEYS[1], group, consumer, lease_ms, '0-0', 'COUNT', count_arg)
end
for _, e in ipairs(claimed[2]) do
  local eid, f = e[1], fields(e[2])
  local p = redis.call('XPENDING', KEYS[1], group, eid, eid, 1)
  local delivered = tonumber(p[1][4])
  local attempt = tonumber(f.a) + delivered
  if attempt > max then
    redis.call('XADD', KEYS[3], '*', 'id', f.id, 'p', f.p, 'e', f.e, 'a', fmt(attempt - 1),
               'r', reasons_with(f.r, delivered - 1, nil), 'd', fmt(now))
    redis.call('XACK', KEYS[1], group, eid)
    redis.call('XDEL', KEYS[1], eid)
    redis.call('HINCRBY', KEYS[4], 'dead', 1)
  else
    table.insert(out, {eid, f.id, f.p, f.e, attempt, reasons_with(f.r, delivered - 1, nil), delivered})
  end
end
-- 3. New entries.
if #out < count then
  local want = count_arg
  if #out > 0 then want = fmt(count - #out) end
  local r = in_group('XREADGROUP', 'GROUP', group, consumer, 'COUNT', want, 'STREAMS', KEYS[1], '>')
  if r then
    for _, e in ipairs(r[1][2]) do
      local f = fields(e[2])
      table.insert(out, {e[1], f.id, f.p, f.e, tonumber(f.a) + 1, f.r, 1})
    end
  end
end
local next_due = -1
if #head > 0 then next_due = math.max(0, tonumber(head[2]) - now) end
return {fmt(now), fmt(next_due), out}
end
)lua";

// KEYS: stream, delayed, dead, stats  ARGV: group, consumer, count, lease_ms, max_attempts, reclaim
// Returns lease(...)'s answer.
inline constexpr const char* kLease = R"lua(
return lease(ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6])
)lua";

// ack_leases(stream, stats, group, lease_ms, argv, from): acknowledges (XACK + XDEL) the leases
// given as (eid, consumer, delivered) triples in argv from index `from` that are still live.
// Returns one 1/0 per lease.
inline constexpr const char* kAckFunction = R"lua(
local function ack_leases(stream, stats, group, lease_ms, argv, from)
  local out = {}
  local acked = 0
  for i = from, #argv, 3 do
    local eid = argv[i]
    if live(stream, group, eid, argv[i + 1], tonumber(argv[i + 2]), lease_ms) then
      redis.call('XACK', stream, group, eid)
      redis.call('XDEL', stream, eid)
      acked = acked + 1
      table.insert(out, 1)
    else
      table.insert(out, 0)
    end
  end
  if acked > 0 then redis.call('HINCRBY', stats, 'acked', fmt(acked)) end
  return out
end
)lua";

// KEYS: stream, stats  ARGV: group, lease_ms, then (eid, consumer, delivered) triples.
// Returns one 1/0 per lease.
inline constexpr const char* kAck = R"lua(
return ack_leases(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV, 3)
)lua";

// A worker's delivered leases acknowledged and its next lease taken in one script run (one
// EVALSHA per task instead of two; AckThenLease). The acks run first, as when they were two scripts.
// KEYS: stream, delayed, dead, stats  ARGV: as kLease (6), then the ack triples as kAck's.
// Returns {now, next_due, leases (as kLease), {1/0 per ack}}.
inline constexpr const char* kAckLease = R"lua(
local acks = ack_leases(KEYS[1], KEYS[4], ARGV[1], tonumber(ARGV[4]), ARGV, 7)
local r = lease(ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6])
table.insert(r, acks)
return r
)lua";

// KEYS: stream  ARGV: group, lease_ms, eid, consumer, delivered. Returns the new deadline or -1.
inline constexpr const char* kExtend = R"lua(
local group, lease_ms, eid, consumer = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
if not live(KEYS[1], group, eid, consumer, tonumber(ARGV[5]), lease_ms) then return -1 end
-- XCLAIM to the same consumer resets the idle time; JUSTID keeps the delivery count.
redis.call('XCLAIM', KEYS[1], group, consumer, 0, eid, 'JUSTID')
return fmt(now_ms() + lease_ms)
)lua";

// KEYS: stream, delayed, dead, stats  ARGV: group, lease_ms, eid, consumer, delivered, mode
// ("retry" | "dead"), delay_ms, reason, max_attempts. Returns "retried" | "dead" | "lost".
inline constexpr const char* kSettle = R"lua(
local group, lease_ms, eid, consumer = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local delivered, mode, delay, reason, max = tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9])
if not live(KEYS[1], group, eid, consumer, delivered, lease_ms) then return 'lost' end
local f = entry(KEYS[1], eid)
if not f then return 'lost' end
local now = now_ms()
local attempt = tonumber(f.a) + delivered
local reasons = reasons_with(f.r, delivered - 1, reason)
redis.call('XACK', KEYS[1], group, eid)
redis.call('XDEL', KEYS[1], eid)
if mode == 'dead' or attempt >= max then
  redis.call('XADD', KEYS[3], '*', 'id', f.id, 'p', f.p, 'e', f.e, 'a', fmt(attempt), 'r', reasons, 'd', fmt(now))
  redis.call('HINCRBY', KEYS[4], 'dead', 1)
  return 'dead'
end
if delay > 0 then
  redis.call('ZADD', KEYS[2], now + delay, cjson.encode({id = f.id, p = f.p, e = f.e, a = fmt(attempt), r = reasons}))
else
  redis.call('XADD', KEYS[1], '*', 'id', f.id, 'p', f.p, 'e', f.e, 'a', fmt(attempt), 'r', reasons)
end
redis.call('HINCRBY', KEYS[4], 'retried', 1)
return 'retried'
)lua";

// KEYS: stream, dead  ARGV: group, id ("" = all), batch. Moves up to `batch` dead letters back to
// ready (attempts reset, reasons kept). Returns {moved, more (1/0)}.
inline constexpr const char* kRequeue = R"lua(
local group, want, batch = ARGV[1], ARGV[2], tonumber(ARGV[3])
ensure_group(KEYS[1], group)
local moved = 0
local cursor = '-'
-- Scan in pages so one call stays short even with a large dead-letter stream.
for _ = 1, 100 do
  local page = redis.call('XRANGE', KEYS[2], cursor, '+', 'COUNT', 200)
  if #page == 0 then break end
  for _, e in ipairs(page) do
    local f = fields(e[2])
    if want == '' or f.id == want then
      redis.call('XADD', KEYS[1], '*', 'id', f.id, 'p', f.p, 'e', f.e, 'a', '0', 'r', f.r)
      redis.call('XDEL', KEYS[2], e[1])
      moved = moved + 1
      if want ~= '' then return {moved, 0} end
      if moved >= batch then return {moved, 1} end
    end
  end
  cursor = '(' .. page[#page][1]
end
return {moved, 0}
)lua";

// KEYS: stream, delayed, dead, stats  ARGV: group
// Returns {now, xlen, pending, delayed, dead, oldest_ready_ms_or_-1, enqueued, acked, retried, dead_total}
inline constexpr const char* kStats = R"lua(
local group = ARGV[1]
local now = now_ms()
ensure_group(KEYS[1], group)
local xlen = redis.call('XLEN', KEYS[1])
local pending = redis.call('XPENDING', KEYS[1], group)[1]
local oldest = -1
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
for _, g in ipairs(groups) do
  local info = fields(g)
  if info.name == group then
    local next = redis.call('XRANGE', KEYS[1], '(' .. info['last-delivered-id'], '+', 'COUNT', 1)
    if #next > 0 then
      local ms = tonumber(string.match(next[1][1], '^(%d+)'))
      oldest = math.max(0, now - ms)
    end
  end
end
local s = fields(redis.call('HGETALL', KEYS[4]))
return {fmt(now), xlen, pending, redis.call('ZCARD', KEYS[2]), redis.call('XLEN', KEYS[3]), fmt(oldest),
        s.enqueued or '0', s.acked or '0', s.retried or '0', s.dead or '0'}
)lua";

}  // namespace worthit::queue::redis
