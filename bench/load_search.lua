-- SPDX-License-Identifier: EUPL-1.2
-- bench/load_search.lua — the wrk script of bench/load_search.sh: GET
-- /api/search as an authenticated user (header from LOAD_AUTH, e.g.
-- "Bearer dev:mmustermann" on a server with --dev-tokens, or a session
-- cookie in LOAD_COOKIE), cycling through the queries of demo/queries.tsv
-- (LOAD_QUERIES). wrk counts every reply with status >= 400 (non2xx) and
-- every socket error; done()
-- prints one machine-readable line "LOAD ..." with the figures.
local queries = {}
local counter = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local function load_queries()
  local f = assert(io.open(os.getenv("LOAD_QUERIES") or "demo/queries.tsv"))
  local first = true
  for line in f:lines() do
    if not first then
      local q = line:match("^([^\t]+)")
      if q and #q > 0 then queries[#queries + 1] = urlencode(q) end
    end
    first = false
  end
  f:close()
  assert(#queries > 0, "no queries")
end

function init(args)
  load_queries()
  local auth = os.getenv("LOAD_AUTH")
  if auth and #auth > 0 then wrk.headers["Authorization"] = auth end
  local cookie = os.getenv("LOAD_COOKIE")
  if cookie and #cookie > 0 then wrk.headers["Cookie"] = cookie end
end

function request()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  return wrk.format("GET", "/api/search?limit=10&q=" .. q)
end

function done(summary, latency, requests)
  local e = summary.errors
  local sock = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
    "LOAD requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f " ..
    "p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status, sock))
end
