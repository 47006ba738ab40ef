-- wrk script: GET /check_task_completion/{task_id}, cycling over the given tasks.
--
--   wrk -t2 -c32 -d30s --latency -s bench/http/check.lua http://HOST:PORT -- TASK_IDS
--
-- wrk keeps every connection alive (HTTP/1.1), so -c32 is 32 keep-alive connections. No
-- response() hook, so wrk does not hand bodies to Lua: the client stays cheap on a shared
-- machine; wrk itself counts answers with status >= 400 (errors.status).
-- The last line of output is machine-readable: "RESULT kind=check ...".

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  requests_by_task = {}
  for id in string.gmatch(args[1] or "", "%d+") do
    table.insert(requests_by_task, wrk.format("GET", "/check_task_completion/" .. id))
  end
  if #requests_by_task == 0 then
    error("usage: wrk ... -s check.lua URL -- TASK_IDS")
  end
  sent = thread_id
end

function request()
  sent = sent + 1
  return requests_by_task[sent % #requests_by_task + 1]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT kind=check seconds=%.2f requests=%d requests_per_s=%.1f status_errors=%d " ..
    "socket_errors=%d timeouts=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    seconds, summary.requests, summary.requests / seconds, e.status,
    e.connect + e.read + e.write, e.timeout, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
