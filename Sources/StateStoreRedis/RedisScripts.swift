/// The Lua scripts of the Redis engine. Every key a script touches shares the keyspace's hash
/// tag, so a keyspace lives in one slot (one node of a Redis Cluster).
enum RedisScripts {
    /// KEYS: the Redis keys of every condition then every mutation, then the revision counter and
    /// the index. ARGV: n conditions, then per condition kind ("a" absent, "r" revision) and
    /// revision; then n mutations, per mutation kind ("p" put, "d" delete), logical key, ttl in
    /// ms (0 = none) and value. Returns {1, revision} or {0, index of the failed condition}.
    static let commit = """
    local n = tonumber(ARGV[1])
    local a = 2
    for i = 1, n do
      local kind, expected = ARGV[a], ARGV[a + 1]
      local current = redis.call('HGET', KEYS[i], 'r')
      if kind == 'a' then
        if current then return {0, i} end
      else
        if current ~= expected then return {0, i} end
      end
      a = a + 2
    end
    local m = tonumber(ARGV[a])
    a = a + 1
    local revKey, indexKey = KEYS[#KEYS - 1], KEYS[#KEYS]
    local rev = redis.call('INCR', revKey)
    for j = 1, m do
      local key = KEYS[n + j]
      local kind, logical, ttl, value = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3]
      if kind == 'p' then
        redis.call('HSET', key, 'v', value, 'r', rev)
        if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PERSIST', key) end
        redis.call('ZADD', indexKey, 0, logical)
      else
        redis.call('DEL', key)
        redis.call('ZREM', indexKey, logical)
      end
      a = a + 4
    end
    return {1, rev}
    """

    /// KEYS: the index. ARGV: data-key prefix, min and max (ZRANGEBYLEX bounds), limit. Returns
    /// a flat list key, value, revision of live entries (expired ones are skipped). Read-only, so
    /// it also runs on replicas.
    static let scan = """
    #!lua flags=no-writes
    local prefix, min, max, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
    local out, found = {}, 0
    while found < limit do
      local want = limit - found + 16
      local batch = redis.call('ZRANGEBYLEX', KEYS[1], min, max, 'LIMIT', 0, want)
      if #batch == 0 then break end
      for _, key in ipairs(batch) do
        local entry = redis.call('HMGET', prefix .. key, 'v', 'r')
        if entry[2] then
          out[#out + 1] = key
          out[#out + 1] = entry[1]
          out[#out + 1] = entry[2]
          found = found + 1
          if found == limit then break end
        end
        min = '(' .. key
      end
      if #batch < want then break end
    end
    return out
    """
}
