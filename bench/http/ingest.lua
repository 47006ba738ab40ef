-- wrk script: POST /outbound_call_records, batches of 50 new call records per request.
--
--   wrk -t2 -c32 -d30s --latency -s bench/http/ingest.lua http://HOST:PORT -- TASK_IDS LEADS RUN_TAG [MIX]
--
-- TASK_IDS is a comma-separated list of tasks whose leads are the phones 138%08d for
-- 0 <= i < LEADS (bench/run_http.sh creates them that way). Every record names one of those
-- tasks and one of its phones. call_ids are unique across requests and threads:
-- RUN_TAG-<thread>-<request>-<record>. Statuses are a fixed mix, 40% connected
-- (SucceededFinish, SucceededClientHangUp, Connected), 60% not (NoAnswer, Busy, Failed,
-- NotConnected). MIX is `mixed` (default: each record names a random task) or `per-task` (all
-- records of a request name one random task, as a dialer's callback for one job group does).
-- The last line of output is machine-readable: "RESULT kind=ingest ...".

local kBatch = 50
local kStatuses = {
  "NoAnswer", "SucceededFinish", "Busy", "NoAnswer", "SucceededClientHangUp",
  "Failed", "NoAnswer", "SucceededFinish", "NotConnected", "Connected",
}

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  task_ids = {}
  for id in string.gmatch(args[1] or "", "%d+") do
    table.insert(task_ids, tonumber(id))
  end
  leads = tonumber(args[2] or "")
  run_tag = args[3] or tostring(os.time())
  per_task = (args[4] or "mixed") == "per-task"
  if #task_ids == 0 or not leads or leads < 1 then
    error("usage: wrk ... -s ingest.lua URL -- TASK_IDS LEADS RUN_TAG")
  end
  math.randomseed(1000 + thread_id)
  built = 0      -- requests built by this thread (part of every call_id)
  accepted = 0   -- records the server reported as accepted
  rejected = 0   -- records the server rejected (should stay 0)
  failed = 0     -- answers that were not 200
  wrk.method = "POST"
  wrk.path = "/outbound_call_records"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  built = built + 1
  local now = os.time()
  local parts = {}
  local request_task = task_ids[math.random(#task_ids)]
  for j = 1, kBatch do
    local status = kStatuses[math.random(#kStatuses)]
    local connected = status == "Connected" or status:sub(1, 9) == "Succeeded"
    parts[j] = string.format(
      '{"call_id":"%s-%d-%d-%d","task_id":%d,"phone":"138%08d","call_status":"%s",' ..
      '"job_id":"bench","duration":%d,"event_time":%d,"hangup_cause":"client"}',
      run_tag, thread_id, built, j, per_task and request_task or task_ids[math.random(#task_ids)],
      math.random(0, leads - 1), status, connected and 30 or 0, now)
  end
  return wrk.format(nil, nil, nil, '{"records":[' .. table.concat(parts, ",") .. "]}")
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    return
  end
  accepted = accepted + tonumber(body:match('"accepted":%s*(%d+)') or "0")
  if not body:find('"rejected":%s*%[%s*%]') then
    local _, n = body:gsub('"index":', "")
    rejected = rejected + n
  end
end

function done(summary, latency, requests)
  local acc, rej, fail = 0, 0, 0
  for _, thread in ipairs(threads) do
    acc = acc + thread:get("accepted")
    rej = rej + thread:get("rejected")
    fail = fail + thread:get("failed")
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT kind=ingest seconds=%.2f requests=%d requests_per_s=%.1f records_per_s=%.1f " ..
    "accepted=%d accepted_per_s=%.1f rejected=%d non200=%d socket_errors=%d timeouts=%d " ..
    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    seconds, summary.requests, summary.requests / seconds, summary.requests * kBatch / seconds,
    acc, acc / seconds, rej, fail, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
