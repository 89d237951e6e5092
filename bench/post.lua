-- post.lua — wrk script for an authenticated durable write: POST /api/v1/teams.
-- Every request creates a new team with a unique name, bench-<tag>-<thread>-<n>
-- (the tag keeps names unique across runs on one database), under one of the
-- seeded teams in turn. Each response must be 201 Created; the others are
-- counted, and done() prints one line that bench/run reads:
--   POST_RESULT created=N other=M first_other_status=S
-- Environment (set by bench/run): BENCH_TOKEN, BENCH_TAG, BENCH_PARENTS ("2,3,…").
local token = os.getenv("BENCH_TOKEN")
if not token or token == "" then
  io.stderr:write("post.lua: BENCH_TOKEN is not set\n")
  os.exit(2)
end
local tag = os.getenv("BENCH_TAG") or "run"
local parents = {}
for p in string.gmatch(os.getenv("BENCH_PARENTS") or "1", "%d+") do
  parents[#parents + 1] = tonumber(p)
end

local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end

-- Per-thread state (each wrk thread has its own Lua state).
local n = 0
created = 0
other = 0
first_other_status = 0

function request()
  n = n + 1
  local body = string.format('{"name":"bench-%s-%d-%d","parent_id":%d}',
                             tag, thread_no, n, parents[n % #parents + 1])
  return wrk.format("POST", "/api/v1/teams", headers, body)
end

function response(status, hdrs, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    if first_other_status == 0 then first_other_status = status end
  end
end

function done(summary, latency, requests)
  local c, o, s = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("created") or 0)
    o = o + (t:get("other") or 0)
    local ts = t:get("first_other_status") or 0
    if s == 0 then s = ts end
  end
  io.write(string.format("POST_RESULT created=%d other=%d first_other_status=%d\n", c, o, s))
end
