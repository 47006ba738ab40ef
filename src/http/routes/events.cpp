#include "http/routes/events.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <unordered_set>
#include <utility>

#include "domain/time.hpp"
#include "domain/validation.hpp"
#include "http/outcomes.hpp"

namespace dialtrack::http {

namespace net = boost::asio;

namespace {

/// A comment this often keeps proxies and load balancers from closing a quiet stream.
constexpr std::chrono::seconds kHeartbeat{15};
/// What a client waits before it reconnects (the `retry:` field), in milliseconds.
constexpr int kRetryMillis = 3'000;
constexpr const char* kProgress = "task.progress";
constexpr const char* kResync = "resync";

/// The counters of sent events, by event name.
struct SentCounters {
  explicit SentCounters(metrics::Registry& metrics)
      : open(metrics.gauge("dialtrack_event_streams", "Live event streams (GET /events) open")),
        progress(counter(metrics, kProgress)),
        status_changed(counter(metrics, "task.status_changed")),
        completed(counter(metrics, "task.completed")),
        resync(counter(metrics, kResync)) {}

  static metrics::Counter& counter(metrics::Registry& metrics, const char* event) {
    return metrics.counter("dialtrack_events_sent_total",
                           "Events sent on live event streams (GET /events), by event",
                           {{"event", event}});
  }

  metrics::Gauge& open;
  metrics::Counter& progress;
  metrics::Counter& status_changed;
  metrics::Counter& completed;
  metrics::Counter& resync;
};

/// What wakes a stream that waits for events: the hub's thread posts to the connection's
/// strand, which sets `woken` and cancels the wait. A cancel without `woken` is the server's.
struct Waker {
  explicit Waker(const net::any_io_executor& executor) : timer(executor) {}
  net::steady_timer timer;
  bool woken = false;
};

/// One open `GET /events`: the subscription's events written as text/event-stream pieces.
class EventStream final : public BodyStream {
 public:
  EventStream(std::shared_ptr<app::LiveSubscription> subscription, std::string first,
              std::unordered_set<std::int64_t> replayed, std::shared_ptr<SentCounters> counters)
      : subscription_(std::move(subscription)),
        first_(std::move(first)),
        replayed_(std::move(replayed)),
        counters_(std::move(counters)) {
    counters_->open.add(1);
  }
  ~EventStream() override { counters_->open.add(-1); }
  EventStream(EventStream&&) = delete;
  EventStream& operator=(EventStream&&) = delete;

  net::awaitable<std::optional<std::string>> next(const StreamContext& ctx) override {
    if (!waker_) {
      waker_ = std::make_shared<Waker>(ctx.connection);
      subscription_->set_waker([weak = std::weak_ptr<Waker>(waker_), executor = ctx.connection] {
        // The analyzer takes the copied executor's function table as unset (Asio's
        // any_executor is not modelled); the executor is the connection's, alive here.
        // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
        net::post(executor, [weak] {
          if (const auto waker = weak.lock()) {
            waker->woken = true;
            waker->timer.cancel();
          }
        });
      });
    }
    if (!first_.empty()) {
      co_return std::exchange(first_, {});
    }
    while (true) {
      auto piece = format(subscription_->take());
      if (!piece.empty()) {
        co_return piece;
      }
      waker_->woken = false;
      waker_->timer.expires_after(kHeartbeat);
      auto [ec] = co_await waker_->timer.async_wait(net::as_tuple(net::use_awaitable));
      if (!ec) {
        co_return std::string(": keep-alive\n\n");
      }
      if (!waker_->woken) {
        co_return std::nullopt;  // cancelled: the server shuts down
      }
    }
  }

 private:
  std::string format(const app::LiveSubscription::Batch& batch) {
    std::string out;
    if (batch.resync) {
      counters_->resync.inc();
      out += sse_event({}, kResync, R"({"reason":"events_lost"})");
    }
    for (const auto& event : batch.events) {
      switch (event.kind) {
        case app::LiveEvent::Kind::kProgress:
          counters_->progress.inc();
          out += sse_event({}, kProgress, progress_data(event.progress));
          break;
        case app::LiveEvent::Kind::kStatus:
          if (replayed_.contains(event.status.seq)) {
            break;  // sent already by the resume
          }
          (event.status.event_type == "task.completed" ? counters_->completed
                                                       : counters_->status_changed)
              .inc();
          out += sse_event(std::to_string(event.status.seq), event.status.event_type,
                           event.status.payload);
          break;
      }
    }
    return out;
  }

  std::shared_ptr<app::LiveSubscription> subscription_;
  std::string first_;
  std::unordered_set<std::int64_t> replayed_;
  std::shared_ptr<SentCounters> counters_;
  std::shared_ptr<Waker> waker_;
};

}  // namespace

std::string sse_event(std::string_view id, std::string_view event, std::string_view data) {
  std::string out;
  if (!id.empty()) {
    out.append("id: ").append(id).append("\n");
  }
  out.append("event: ").append(event).append("\ndata: ").append(data).append("\n\n");
  return out;
}

std::string progress_data(const app::TaskProgress& progress) {
  boost::json::object body;
  body["task_id"] = progress.task_id;
  body["task_type"] = static_cast<int>(progress.task_type);
  body["total_calls"] = progress.total_calls;
  body["connected_calls"] = progress.connected_calls;
  body["settled_calls"] = progress.settled_calls;
  body["updated_at"] = domain::format_timestamp(progress.updated_at);
  return boost::json::serialize(body);
}

EventRoutes::EventRoutes(app::LiveEvents* events, metrics::Registry& metrics)
    : events_(events), metrics_(metrics) {}

Reply EventRoutes::stream(const RequestContext& ctx) {
  if (events_ == nullptr) {
    return not_found(Missing::kRoute, ctx.lang);
  }
  std::optional<std::int64_t> after;
  const auto header = ctx.request.find("Last-Event-ID");
  if (header != ctx.request.end() && !header->value().empty()) {
    const auto text = header->value();
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0) {
      return bad_field({"Last-Event-ID", domain::Problem::kOutOfRange, "an event id (0 or more)"},
                       ctx.lang);
    }
    after = value;
  }
  // Subscribe first: what happens while the resume reads is queued, and what the resume sent
  // already is not sent twice.
  auto subscription = events_->subscribe();
  const auto replay = events_->replay(after);
  auto counters = std::make_shared<SentCounters>(metrics_);
  std::string first = "retry: " + std::to_string(kRetryMillis) + "\n\n";
  std::unordered_set<std::int64_t> replayed;
  for (const auto& event : replay.events) {
    replayed.insert(event.seq);
    (event.event_type == "task.completed" ? counters->completed : counters->status_changed).inc();
    first += sse_event(std::to_string(event.seq), event.event_type, event.payload);
  }
  for (const auto& progress : replay.progress) {
    counters->progress.inc();
    first += sse_event({}, kProgress, progress_data(progress));
  }
  if (!replay.complete) {
    counters->resync.inc();
    first += sse_event(std::to_string(replay.latest), kResync, R"({"reason":"cannot_resume"})");
  }
  // The latest number as the stream's id: a client that reconnects before any status event
  // resumes from here.
  boost::json::object ready;
  ready["last_event_id"] = replay.latest;
  first += sse_event(std::to_string(replay.latest), "ready", boost::json::serialize(ready));

  Reply reply;
  reply.content_type = "text/event-stream; charset=utf-8";
  reply.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  reply.stream = std::make_shared<EventStream>(std::move(subscription), std::move(first),
                                               std::move(replayed), std::move(counters));
  return reply;
}

}  // namespace dialtrack::http
