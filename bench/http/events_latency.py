#!/usr/bin/python3
"""Delivery latency of the live stream (GET /events): how long after a push is acknowledged
its task.progress arrives on a stream, measured on this machine's clock.

    events_latency.py BASE_URL [--seconds 30] [--interval 1.2] [--stream-base URL]

Creates a task of its own, opens GET /events on STREAM_BASE (default BASE_URL: another
instance's URL measures the way across instances), and every INTERVAL seconds (above the one
progress per second per task, so coalescing adds nothing) pushes one connected record of that
task to BASE_URL, noting when the 200 came back; the reader notes when the progress event with
the new connected_calls arrives. Prints one RESULT line: samples, p50/p90/p99/max in ms (from
the acknowledgement; from the request's start in `sent_*`), and misses (no event within 5 s).
Run it beside a load (bench/run_http.sh --events does, during its ingestion phase).
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse


def request(base, method, path, body=None):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    payload = None if body is None else json.dumps(body)
    conn.request(method, path, body=payload, headers={"Content-Type": "application/json"})
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    if answer.status not in (200, 201):
        raise SystemExit(f"{method} {path}: {answer.status} {data[:300]!r}")
    return json.loads(data)


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=1.2)
    parser.add_argument("--stream-base")
    args = parser.parse_args()
    stream_base = args.stream_base or args.base

    pushes = int(args.seconds / args.interval) + 1
    phones = ["1370000%04d" % i for i in range(pushes + 1)]
    task = request(args.base, "POST", "/tasks",
                   {"name": "events latency probe", "leads": [{"phone": p} for p in phones]})
    task_id = task["data"]["task_id"]

    arrived = {}  # connected_calls -> monotonic time of its progress event
    ready = threading.Event()
    lock = threading.Lock()

    def read_stream():
        url = urllib.parse.urlsplit(stream_base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        conn.request("GET", "/events", headers={"Accept": "text/event-stream"})
        answer = conn.getresponse()
        if answer.status != 200:
            raise SystemExit(f"GET /events: {answer.status}")
        event, data = None, None
        while True:
            line = answer.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data = line[5:].strip()
            elif line == "":
                now = time.monotonic()
                if event == "ready":
                    ready.set()
                elif event == "task.progress" and data:
                    body = json.loads(data)
                    if body["task_id"] == task_id:
                        with lock:
                            arrived.setdefault(body["connected_calls"], now)
                event, data = None, None

    threading.Thread(target=read_stream, daemon=True).start()
    if not ready.wait(10):
        raise SystemExit("GET /events sent no ready event within 10 s")

    sent = {}  # connected_calls -> (request start, acknowledgement)
    for k in range(1, pushes + 1):
        started = time.monotonic()
        request(args.base, "POST", "/outbound_call_records", {"records": [{
            "call_id": f"events-latency-{task_id}-{k}", "task_id": task_id,
            "phone": phones[k - 1], "call_status": "SucceededFinish"}]})
        sent[k] = (started, time.monotonic())
        time.sleep(max(0.0, args.interval - (time.monotonic() - started)))
    time.sleep(5)

    acked, whole, misses = [], [], 0
    with lock:
        for k, (started, ack) in sent.items():
            if k not in arrived:
                misses += 1
                continue
            acked.append((arrived[k] - ack) * 1000)
            whole.append((arrived[k] - started) * 1000)
    fmt = lambda v: f"{v:.1f}"
    print("RESULT kind=events samples=%d misses=%d p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s "
          "sent_p50_ms=%s sent_max_ms=%s" % (
              len(acked), misses, fmt(percentile(acked, 50)), fmt(percentile(acked, 90)),
              fmt(percentile(acked, 99)), fmt(max(acked, default=0)),
              fmt(percentile(whole, 50)), fmt(max(whole, default=0))))


if __name__ == "__main__":
    main()
