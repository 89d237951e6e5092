-- get.lua — wrk script for GET /api/v1/users?limit=50 with an API token.
-- The token comes from the environment (BENCH_TOKEN), set by bench/run.
-- Non-2xx responses are counted by wrk itself ("Non-2xx or 3xx responses").
local token = os.getenv("BENCH_TOKEN")
if not token or token == "" then
  io.stderr:write("get.lua: BENCH_TOKEN is not set\n")
  os.exit(2)
end
wrk.method = "GET"
wrk.path = "/api/v1/users?limit=50"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"
