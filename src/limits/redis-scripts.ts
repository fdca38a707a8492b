/**
 * The Lua script of `RedisStore.admit`: every check and every change of one
 * admission run inside Redis as one atomic step, so two replicas admitting at
 * the same moment cannot both take the last slot or the last dollar. It
 * applies the same rules as `MemoryStore.admit` and `isExhausted`.
 *
 * KEYS: lease sets, then start windows, then spend counters.
 * Times are the Redis server's (TIME), so replicas whose clocks differ still
 * agree on when a lease expires or a window slides.
 *
 * ARGV: id, lease lifetime in ms, counts of the three kinds; then per lease set
 * its max (-1: none); per window max and length in ms; per counter the
 * 1-based index of its lease set (0: none), its limit, and 1 to refuse.
 * Returns {'lease', index, inFlight} | {'window', index, retryAfterMs} |
 * {'counter', index, used, finished, inFlight} | {'ok', used, finished, inFlight, exhausted, ...}.
 */
export const admitScript = `
${expireWithLastLease()}
local id = ARGV[1]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local leaseTtl = tonumber(ARGV[2])
local leaseExpiresAt = now + leaseTtl
local leaseCount, windowCount, counterCount = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local arg = 6
local inFlight = {}
for i = 1, leaseCount do
  local key = KEYS[i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local held = redis.call('ZCARD', key)
  inFlight[i] = held
  local max = tonumber(ARGV[arg])
  arg = arg + 1
  if max >= 0 and held >= max then return {'lease', i - 1, held} end
end
local windowLengths = {}
for i = 1, windowCount do
  local key = KEYS[leaseCount + i]
  local max, length = tonumber(ARGV[arg]), tonumber(ARGV[arg + 1])
  arg = arg + 2
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - length)
  if redis.call('ZCARD', key) >= max then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return {'window', i - 1, tonumber(oldest[2]) + length - now}
  end
  windowLengths[i] = length
end
local readings = {'ok'}
for i = 1, counterCount do
  local key = KEYS[leaseCount + windowCount + i]
  local leaseIndex, limit, refuse = tonumber(ARGV[arg]), tonumber(ARGV[arg + 1]), ARGV[arg + 2] == '1'
  arg = arg + 3
  local values = redis.call('HMGET', key, 'used', 'finished')
  local used, finished = tonumber(values[1]) or 0, tonumber(values[2]) or 0
  local flight = inFlight[leaseIndex] or 0
  local average = 0
  if finished > 0 then average = math.floor(used / finished) end
  local exhausted = used >= limit or used + (flight + 1) * average > limit
  if exhausted and refuse then return {'counter', i - 1, used, finished, flight} end
  table.insert(readings, used)
  table.insert(readings, finished)
  table.insert(readings, flight)
  table.insert(readings, exhausted and 1 or 0)
end
for i = 1, leaseCount do
  redis.call('ZADD', KEYS[i], leaseExpiresAt, id)
  expireWithLastLease(KEYS[i])
end
for i = 1, windowCount do
  redis.call('ZADD', KEYS[leaseCount + i], now, id)
  redis.call('PEXPIRE', KEYS[leaseCount + i], windowLengths[i])
end
return readings
`;

/**
 * Settles one request in one command: gives its leases back and adds what it
 * used to each counter, atomically (a script runs whole or not at all).
 * KEYS: lease sets, then counters. ARGV: id, lease set count, then per
 * counter its amount, 1 when it counts as finished, and its expiry (epoch ms).
 */
export const settleScript = `
local id = ARGV[1]
local leaseCount = tonumber(ARGV[2])
for i = 1, leaseCount do redis.call('ZREM', KEYS[i], id) end
local arg = 3
for i = leaseCount + 1, #KEYS do
  redis.call('HINCRBY', KEYS[i], 'used', ARGV[arg])
  if ARGV[arg + 1] == '1' then redis.call('HINCRBY', KEYS[i], 'finished', 1) end
  redis.call('PEXPIREAT', KEYS[i], ARGV[arg + 2])
  arg = arg + 3
end
return 0
`;

/**
 * Extends one request's leases by the lease lifetime from now (server time),
 * only for members still present (XX): a lease that already expired stays gone.
 * KEYS: lease sets. ARGV: id, lease lifetime in ms.
 */
export const renewScript = `
${expireWithLastLease()}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
for i = 1, #KEYS do
  if redis.call('ZADD', KEYS[i], 'XX', 'CH', now + ttl, ARGV[1]) == 1 then
    expireWithLastLease(KEYS[i])
  end
end
return 0
`;

/** A lease set lives as long as its longest lease, so an idle set disappears and a short lease never cuts a long one. */
function expireWithLastLease(): string {
  return `
local function expireWithLastLease(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, last[2]) end
end`;
}
