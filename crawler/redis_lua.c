/*
 * redis_lua.c - the scripts' text (crawler/redis_lua.h says what each
 * does).  Lua's numbers are doubles: fingerprints stay strings end to end,
 * and the counters (under 2^53) are safe as numbers.
 */
#include "crawler/redis_lua.h"

#include <stddef.h>

#define NOW \
	"local t = redis.call('TIME')\n" \
	"local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"

static const char admit_lua[] =
	"local P = ARGV[1]\n"
	NOW
	"local new = 0\n"
	"for i = 2, #ARGV, 5 do\n"
	"  local sk, fp, h, q, e = P..'seen:'..ARGV[i], ARGV[i+1], ARGV[i+2], tonumber(ARGV[i+3]), ARGV[i+4]\n"
	"  local ok = true\n"
	"  if q > 0 and redis.call('SISMEMBER', sk, fp) == 0 and\n"
	"     tonumber(redis.call('HGET', P..'quota', h) or '0') >= q then ok = false end\n"
	"  if ok and redis.call('SADD', sk, fp) == 1 then\n"
	"    if q ~= 0 then redis.call('HINCRBY', P..'quota', h, 1) end\n"
	"    redis.call('RPUSH', P..'q:'..h, e)\n"
	"    new = new + 1\n"
	"    if redis.call('HEXISTS', P..'owner', h) == 0 then\n"
	"      local hold = redis.call('PTTL', P..'hn:'..h)\n"
	"      if hold < 0 then hold = 0 end\n"
	"      redis.call('ZADD', P..'ready', 'NX', now + hold, h)\n"
	"    end\n"
	"  end\n"
	"end\n"
	"if new > 0 then\n"
	"  redis.call('HINCRBY', P..'n', 'admitted', new)\n"
	"  redis.call('HINCRBY', P..'n', 'queued', new)\n"
	"end\n"
	"return new\n";

static const char ack_lua[] =
	"local P = ARGV[1]\n"
	"local d = 0\n"
	"for i = 2, #ARGV, 2 do\n"
	"  d = d + redis.call('HDEL', P..'out:'..ARGV[i], ARGV[i+1])\n"
	"end\n"
	"if d > 0 then\n"
	"  redis.call('HINCRBY', P..'n', 'out', -d)\n"
	"  redis.call('HINCRBY', P..'n', 'done', d)\n"
	"end\n"
	"return d\n";

static const char work_lua[] =
	"local P, node = ARGV[1], ARGV[2]\n"
	"local lease, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])\n"
	"local rate, busy = tonumber(ARGV[5]), tonumber(ARGV[6])\n"
	"local K, M = tonumber(ARGV[7]), tonumber(ARGV[8])\n"
	NOW
	"local function take(h, n, r)\n"
	"  local got = 0\n"
	"  for k = 1, n do\n"
	"    local e = redis.call('LPOP', P..'q:'..h)\n"
	"    if not e then break end\n"
	"    local id = tostring(redis.call('HINCRBY', P..'n', 'oid', 1))\n"
	"    redis.call('HSET', P..'out:'..h, id, e)\n"
	"    r[#r+1] = id\n"
	"    r[#r+1] = e\n"
	"    got = got + 1\n"
	"  end\n"
	"  if got > 0 then\n"
	"    redis.call('HINCRBY', P..'n', 'queued', -got)\n"
	"    redis.call('HINCRBY', P..'n', 'out', got)\n"
	"  end\n"
	"end\n"
	/* the heartbeat; nodes whose heartbeat ran out are forgotten */
	"redis.call('ZADD', P..'nodes', now + ttl, node)\n"
	"redis.call('HSET', P..'ninfo', node, ARGV[9])\n"
	"for _, d in ipairs(redis.call('ZRANGEBYSCORE', P..'nodes', '-inf', now, 'LIMIT', 0, 16)) do\n"
	"  redis.call('ZREM', P..'nodes', d)\n"
	"  redis.call('HDEL', P..'rshare', d)\n"
	"  redis.call('HDEL', P..'busy', d)\n"
	"  redis.call('HDEL', P..'ninfo', d)\n"
	"end\n"
	/* expired leases: what was out goes back in line first */
	"local function giveback(h)\n"
	"  local es = redis.call('HVALS', P..'out:'..h)\n"
	"  for _, e in ipairs(es) do redis.call('LPUSH', P..'q:'..h, e) end\n"
	"  if #es > 0 then\n"
	"    redis.call('DEL', P..'out:'..h)\n"
	"    redis.call('HINCRBY', P..'n', 'out', -#es)\n"
	"    redis.call('HINCRBY', P..'n', 'queued', #es)\n"
	"    redis.call('HINCRBY', P..'n', 'reclaimed', #es)\n"
	"  end\n"
	"end\n"
	"for _, h in ipairs(redis.call('ZRANGEBYSCORE', P..'lease', '-inf', now, 'LIMIT', 0, 64)) do\n"
	"  giveback(h)\n"
	"  redis.call('HDEL', P..'owner', h)\n"
	"  redis.call('ZREM', P..'lease', h)\n"
	"  if redis.call('LLEN', P..'q:'..h) > 0 then redis.call('ZADD', P..'ready', now, h) end\n"
	"end\n"
	"local res = {}\n"
	"for i = 10, #ARGV, 4 do\n"
	"  local h, op, n, delay = ARGV[i], ARGV[i+1], tonumber(ARGV[i+2]), tonumber(ARGV[i+3])\n"
	"  local r = {h}\n"
	"  if redis.call('HGET', P..'owner', h) ~= node then\n"
	"    r[2] = 'lost'\n"
	"  elseif op == 'e' then\n"
	"    redis.call('ZADD', P..'lease', 0, h)\n"
	"    r[2] = 'gone'\n"
	/* x: the node holds nothing of h, so what out:h holds are URLs
	 * whose reply it never got (Redis went away): back in line */
	"  elseif op == 'x' and (giveback(h) or true) and\n"
	"         redis.call('LLEN', P..'q:'..h) == 0 then\n"
	"    redis.call('HDEL', P..'owner', h)\n"
	"    redis.call('ZREM', P..'lease', h)\n"
	"    if delay > 0 then redis.call('SET', P..'hn:'..h, '1', 'PX', delay) end\n"
	"    r[2] = 'gone'\n"
	"  else\n"
	"    redis.call('ZADD', P..'lease', now + lease, h)\n"
	"    r[2] = 'ok'\n"
	"    r[3] = 0\n"
	"    if op ~= 'r' then take(h, n, r) end\n"
	"    r[3] = redis.call('LLEN', P..'q:'..h)\n"
	"  end\n"
	"  res[#res+1] = r\n"
	"end\n"
	"if K > 0 then\n"
	"  for _, h in ipairs(redis.call('ZRANGEBYSCORE', P..'ready', '-inf', now, 'LIMIT', 0, K)) do\n"
	"    redis.call('ZREM', P..'ready', h)\n"
	"    if redis.call('HEXISTS', P..'owner', h) == 0 and redis.call('LLEN', P..'q:'..h) > 0 then\n"
	"      redis.call('HSET', P..'owner', h, node)\n"
	"      redis.call('ZADD', P..'lease', now + lease, h)\n"
	"      local r = {h, 'new', 0}\n"
	"      take(h, M, r)\n"
	"      r[3] = redis.call('LLEN', P..'q:'..h)\n"
	"      res[#res+1] = r\n"
	"    end\n"
	"  end\n"
	"end\n"
	/* --rate: a node's share grows only into what the others left, and
	 * shrinks at once, so the shares never add up to more than the rate */
	"local share = 0\n"
	"if rate > 0 then\n"
	"  redis.call('HSET', P..'busy', node, busy)\n"
	"  local nb, others = 0, 0\n"
	"  for _, d in ipairs(redis.call('ZRANGE', P..'nodes', 0, -1)) do\n"
	"    if redis.call('HGET', P..'busy', d) == '1' then nb = nb + 1 end\n"
	"    if d ~= node then others = others + tonumber(redis.call('HGET', P..'rshare', d) or '0') end\n"
	"  end\n"
	"  if busy == 1 and nb > 0 then\n"
	"    share = math.floor(rate * 1000 / nb)\n"
	"    local room = math.floor(rate * 1000 - others)\n"
	"    if share > room then share = room end\n"
	"    if share < 0 then share = 0 end\n"
	"  end\n"
	"  redis.call('HSET', P..'rshare', node, share)\n"
	"end\n"
	"local c = redis.call('HMGET', P..'n', 'admitted', 'queued', 'out', 'done', 'reclaimed')\n"
	"for i = 1, 5 do c[i] = tonumber(c[i] or '0') end\n"
	"c[6] = redis.call('ZCARD', P..'lease')\n"
	"c[7] = redis.call('ZCARD', P..'nodes')\n"
	"c[8] = share\n"
	"c[9] = -1\n"
	"local nx = redis.call('ZRANGE', P..'ready', 0, 0, 'WITHSCORES')\n"
	"if nx[2] then c[9] = math.max(0, tonumber(nx[2]) - now) end\n"
	"return {c, res}\n";

const char *redis_lua_source(int script)
{
	switch (script) {
	case RL_ADMIT:
		return admit_lua;
	case RL_ACK:
		return ack_lua;
	case RL_WORK:
		return work_lua;
	}
	return NULL;
}
