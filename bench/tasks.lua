-- tasks.lua — wrk script for bench/tasks: GET BENCH_PATH with one header,
-- BENCH_HEADER ("Name: value": an API token or a session cookie).
local path = os.getenv("BENCH_PATH")
local header = os.getenv("BENCH_HEADER")
if not path or not header or not header:find(": ") then
  io.stderr:write("tasks.lua: BENCH_PATH and BENCH_HEADER must be set\n")
  os.exit(2)
end
local name, value = header:match("^([^:]+): (.*)$")
wrk.method = "GET"
wrk.path = path
wrk.headers[name] = value
