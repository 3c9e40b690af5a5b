-- wrk script for bench/api_bench.py: one request shape per run, set by environment variables, and a JSON line of
-- figures at the end (wrk's own summary has no 95th percentile).
--   WRK_METHOD  GET (default) or POST          WRK_BODY    request body (JSON)
--   WRK_TOKEN   X-Session-Token header         WRK_PATHS   file of paths, one per line: each thread takes every
--   WRK_THREADS the -t given to wrk                         WRK_THREADS-th path from its own offset, so no two
--                                                           requests of a run share a path (submit needs that)
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function init(args)
  method = os.getenv("WRK_METHOD") or "GET"
  body = os.getenv("WRK_BODY")
  stride = tonumber(os.getenv("WRK_THREADS") or "1")
  paths = {}
  local file = os.getenv("WRK_PATHS")
  if file then
    for line in io.lines(file) do
      if #line > 0 then paths[#paths + 1] = line end
    end
  end
  next_index = thread_number
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  local token = os.getenv("WRK_TOKEN")
  if token then wrk.headers["X-Session-Token"] = token end
end

function request()
  local path = wrk.path
  if #paths > 0 then
    path = paths[((next_index - 1) % #paths) + 1]
    next_index = next_index + stride
  end
  return wrk.format(method, path, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "non_2xx": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
