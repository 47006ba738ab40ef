#pragma once

#include <memory>
#include <string>

#include "app/live_events.hpp"
#include "http/router.hpp"
#include "metrics/metrics.hpp"

namespace dialtrack::http {

/// `GET /events`: the live stream of task changes as Server-Sent Events (docs/api.md, "Live
/// events"): `task.progress` with the counters, at most once a second per task;
/// `task.status_changed` and `task.completed` from the outbox, with their number as the event
/// id, so a client that comes back with `Last-Event-ID` gets what it missed; `resync` when it
/// cannot (the client reads the state again); a comment every 15 s so proxies keep the stream.
class EventRoutes {
 public:
  /// Without `events` (a command that only lists the routes) the stream answers 404.
  EventRoutes(app::LiveEvents* events, metrics::Registry& metrics);

  Reply stream(const RequestContext& ctx);

 private:
  app::LiveEvents* events_;
  metrics::Registry& metrics_;
};

/// One event in the text/event-stream format: `id:` (when `id` is not empty), `event:`, then
/// `data:` (one line: the data is compact JSON) and the blank line that ends it.
std::string sse_event(std::string_view id, std::string_view event, std::string_view data);
/// The JSON of a `task.progress` event.
std::string progress_data(const app::TaskProgress& progress);

}  // namespace dialtrack::http
