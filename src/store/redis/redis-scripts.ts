/**
 * The Lua scripts of the Redis store: every operation that reads then writes runs as one script,
 * so it is atomic on the server (Redis runs one script at a time) and costs one round trip
 * (EVALSHA; ioredis falls back to EVAL once after a NOSCRIPT). Each script touches one key, so
 * it runs unchanged on a Redis Cluster. Every write sets a TTL.
 *
 * Numbers cross the Lua boundary as strings: Redis truncates a Lua number reply to an integer.
 */

/**
 * KEYS[1] the code; ARGV[1] the spent marker's TTL (ms), ARGV[2..] the bindings presented, each
 * JSON-encoded. A live code is three lines: its binding (JSON), its spent marker (JSON), its
 * record (JSON); JSON never holds a raw newline. A spent code is an empty line, then its marker.
 * Plain string operations, no cjson: decoding the record on every redemption cost more than the
 * rest of the script. Returns `{outcome, JSON}` (`{'missing'}` for none).
 */
const REDEEM_CODE = `
local stored = redis.call('GET', KEYS[1])
if not stored then return {'missing'} end
local first = string.find(stored, '\\n', 1, true)
if first == 1 then return {'spent', string.sub(stored, 2)} end
local second = string.find(stored, '\\n', first + 1, true)
local binding = string.sub(stored, 1, first - 1)
local record = string.sub(stored, second + 1)
for i = 2, #ARGV do
  if ARGV[i] == binding then
    redis.call('SET', KEYS[1], '\\n' .. string.sub(stored, first + 1, second - 1), 'PX', ARGV[1])
    return {'redeemed', record}
  end
end
return {'mismatch', record}
`;

/**
 * KEYS[1] the family hash; ARGV: TTL (ms), family (JSON of the fields that never change),
 * current hash, rotatedAt, revoked ('0'/'1'), previous hash (optional).
 */
const CREATE_FAMILY = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'family', ARGV[2], 'current', ARGV[3], 'rotatedAt', ARGV[4], 'revoked', ARGV[5])
if ARGV[6] then redis.call('HSET', KEYS[1], 'previous', ARGV[6]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** KEYS[1] the family hash; ARGV: expected current hash, new current, new previous, rotatedAt, TTL (ms). */
const COMPARE_AND_ROTATE = `
local state = redis.call('HMGET', KEYS[1], 'current', 'revoked')
if state[1] ~= ARGV[1] or state[2] ~= '0' then return 0 end
redis.call('HSET', KEYS[1], 'current', ARGV[2], 'previous', ARGV[3], 'rotatedAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

/** KEYS[1] the family hash. Revokes it if it exists (HSET keeps the TTL; no key is created). */
const REVOKE_FAMILY = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end
return 1
`;

/** KEYS[1] a revocation mark; ARGV[1] its TTL (ms). Sets it, or extends it, never shortens it. */
const MARK_AT_LEAST = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

/**
 * The shared part of the attempt-counter scripts. The hash holds `level` (failures, decayed to
 * `at`), `at`, `last` (last failure, ms) and one field `r:<id>` per reservation, valued with its
 * expiry (ms). Loads it, drops expired reservations, decays the level to `now`; `save()` writes it
 * back with a TTL covering the level's leak and the live reservations, or deletes it when both
 * are gone.
 */
const ATTEMPT_COUNTER = `
local key, leak, now = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local level, at, last, inFlight, holdUntil, expired = 0, now, 0, 0, 0, {}
local fields = redis.call('HGETALL', key)
for i = 1, #fields, 2 do
  local name, value = fields[i], tonumber(fields[i + 1])
  if name == 'level' then level = value
  elseif name == 'at' then at = value
  elseif name == 'last' then last = value
  elseif value > now then inFlight = inFlight + 1; holdUntil = math.max(holdUntil, value)
  else expired[#expired + 1] = name end
end
if #expired > 0 then redis.call('HDEL', key, unpack(expired)) end
if now > at then
  level = math.max(0, level - (now - at) / leak)
  at = now
end
local function save()
  local ttl = math.ceil(math.max(level * leak, holdUntil - now))
  if ttl > 0 then
    redis.call('HSET', key, 'level', string.format('%.17g', level), 'at', string.format('%d', at), 'last', string.format('%d', last))
    redis.call('PEXPIRE', key, ttl)
  else
    redis.call('DEL', key)
  end
end
`;

/**
 * KEYS[1] the counter; ARGV: leak interval (ms), now (ms), capacity, hold (ms), reservation id.
 * Returns `{reservation id or nil, level, in flight, last failure}`.
 */
const RESERVE_ATTEMPT = `${ATTEMPT_COUNTER}
local admitted = false
if level + inFlight + 1 <= tonumber(ARGV[3]) then
  admitted = ARGV[5]
  local expiry = now + tonumber(ARGV[4])
  redis.call('HSET', key, 'r:' .. admitted, string.format('%d', expiry))
  holdUntil = math.max(holdUntil, expiry)
end
save()
return {admitted, string.format('%.17g', level), inFlight, string.format('%d', last)}
`;

/** KEYS[1] the counter; ARGV: leak interval (ms), now (ms), reservation id, failed ('0'/'1'), reset ('0'/'1'). */
const SETTLE_ATTEMPT = `
redis.call('HDEL', KEYS[1], 'r:' .. ARGV[3])
${ATTEMPT_COUNTER}
if ARGV[5] == '1' then level = 0 end
if ARGV[4] == '1' then
  level = level + 1
  last = math.max(last, now)
end
save()
return 1
`;

/**
 * Sessions: a hash with `sid`, `user`, `authTime`, `expiresAt` (ms) and `grants` (a JSON array,
 * re-encoded only when a grant is added). KEYS[1] the session; ARGV: TTL (ms), session id, user,
 * authTime, expiresAt, grants (JSON).
 */
const CREATE_SESSION = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'sid', ARGV[2], 'user', ARGV[3], 'authTime', ARGV[4], 'expiresAt', ARGV[5], 'grants', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/**
 * KEYS[1] the session; ARGV: idle timeout (ms), now (ms), then to add a grant: the grant (JSON),
 * its client id, the most grants to keep, '1'/'0' and the user it needs, '1'/'0' and the least
 * authTime it needs. Returns `{sid, user, authTime, expiresAt, grants, added}`, or nil when the
 * session is not live. Beyond the most grants, drops the oldest of the same client, else the
 * oldest.
 */
const TOUCH_SESSION = `
local s = redis.call('HMGET', KEYS[1], 'sid', 'user', 'authTime', 'expiresAt', 'grants')
if not s[1] then return false end
local now, expiresAt = tonumber(ARGV[2]), tonumber(s[4])
if expiresAt <= now then
  redis.call('DEL', KEYS[1])
  return false
end
local added = 0
if ARGV[3] and (ARGV[6] == '0' or ARGV[7] == s[2]) and (ARGV[8] == '0' or tonumber(s[3]) >= tonumber(ARGV[9])) then
  local grants = cjson.decode(s[5])
  grants[#grants + 1] = cjson.decode(ARGV[3])
  local most = math.max(1, tonumber(ARGV[5]))
  while #grants > most do
    local drop = 1
    for i = 1, #grants - 1 do
      if grants[i].clientId == ARGV[4] then drop = i break end
    end
    table.remove(grants, drop)
  end
  s[5] = cjson.encode(grants)
  redis.call('HSET', KEYS[1], 'grants', s[5])
  added = 1
end
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.min(tonumber(ARGV[1]), expiresAt - now)))
return {s[1], s[2], s[3], s[4], s[5], added}
`;

/** KEYS[1] the session. Deletes it; returns `{sid, user, authTime, expiresAt, grants}`, or nil. */
const END_SESSION = `
local s = redis.call('HMGET', KEYS[1], 'sid', 'user', 'authTime', 'expiresAt', 'grants')
if not s[1] then return false end
redis.call('DEL', KEYS[1])
return s
`;

/**
 * KEYS[1] the pushed request; ARGV[1] the client taking it. The value is
 * `{"clientId":…,"parameters":…}`. Deletes it and returns it when that client pushed it; else nil.
 */
const TAKE_PUSHED_REQUEST = `
local stored = redis.call('GET', KEYS[1])
if not stored then return false end
if cjson.decode(stored).clientId ~= ARGV[1] then return false end
redis.call('DEL', KEYS[1])
return stored
`;

/** The scripts, as ioredis `scripts` options: each becomes a command of the client. */
export const STORE_SCRIPTS = {
  redeemCode: { numberOfKeys: 1, lua: REDEEM_CODE },
  createFamily: { numberOfKeys: 1, lua: CREATE_FAMILY },
  compareAndRotate: { numberOfKeys: 1, lua: COMPARE_AND_ROTATE },
  revokeFamily: { numberOfKeys: 1, lua: REVOKE_FAMILY },
  markAtLeast: { numberOfKeys: 1, lua: MARK_AT_LEAST },
  reserveAttempt: { numberOfKeys: 1, lua: RESERVE_ATTEMPT },
  settleAttempt: { numberOfKeys: 1, lua: SETTLE_ATTEMPT },
  createSession: { numberOfKeys: 1, lua: CREATE_SESSION },
  touchSession: { numberOfKeys: 1, lua: TOUCH_SESSION },
  endSession: { numberOfKeys: 1, lua: END_SESSION },
  takePushedRequest: { numberOfKeys: 1, lua: TAKE_PUSHED_REQUEST },
} as const;

type Arg = string | number;

/** The commands {@link STORE_SCRIPTS} adds to a client. */
export interface StoreScriptCommands {
  redeemCode(key: string, spentTtlMs: number, ...bindings: string[]): Promise<[string, string?]>;
  createFamily(key: string, ttlMs: number, family: string, current: string, rotatedAt: Arg, revoked: Arg, previous?: string): Promise<number>;
  compareAndRotate(key: string, expected: string, current: string, previous: string, rotatedAt: Arg, ttlMs: number): Promise<number>;
  revokeFamily(key: string): Promise<number>;
  markAtLeast(key: string, ttlMs: number): Promise<number>;
  reserveAttempt(key: string, leakMs: Arg, nowMs: Arg, capacity: Arg, holdMs: Arg, id: string): Promise<[string | null, string, number, string]>;
  settleAttempt(key: string, leakMs: Arg, nowMs: Arg, id: string, failed: Arg, reset: Arg): Promise<number>;
  createSession(key: string, ttlMs: number, sessionId: string, userId: string, authTime: Arg, expiresAt: Arg, grants: string): Promise<number>;
  touchSession(key: string, idleMs: number, nowMs: Arg, ...use: Arg[]): Promise<[string, string, string, string, string, number] | null>;
  endSession(key: string): Promise<[string, string, string, string, string] | null>;
  takePushedRequest(key: string, clientId: string): Promise<string | null>;
}
