-- wrk script: GET requests cycling over the given paths (one argument each).
--
--   wrk -t2 -c32 -d30s --latency -s bench/http/get.lua http://HOST:PORT -- KIND PATH [PATH...]
--
-- Used by bench/run_http.sh for the ping server, /healthz, the completion checks and the
-- follow-up pages. wrk keeps every connection alive (HTTP/1.1). No response() hook, so wrk does
-- not hand bodies to Lua: the client stays cheap on a shared machine; wrk itself counts answers
-- with status >= 400 (errors.status).
-- The last line of output is machine-readable: "RESULT kind=get ..." (KIND names the phase in
-- the caller's files; done() runs where init's arguments are not seen).

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  requests = {}
  for i = 2, #args do
    table.insert(requests, wrk.format("GET", args[i]))
  end
  if #requests == 0 then
    error("usage: wrk ... -s get.lua URL -- KIND PATH [PATH...]")
  end
  sent = thread_id
end

function request()
  sent = sent + 1
  return requests[sent % #requests + 1]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT kind=get seconds=%.2f requests=%d requests_per_s=%.1f status_errors=%d " ..
    "socket_errors=%d timeouts=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    seconds, summary.requests, summary.requests / seconds, e.status,
    e.connect + e.read + e.write, e.timeout, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
