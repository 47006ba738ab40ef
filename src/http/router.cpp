#include "http/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/container/small_vector.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <stdexcept>

#include "domain/json_text.hpp"
#include "http/auth.hpp"
#include "http/outcomes.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::http {

namespace json = boost::json;

Reply ok(json::value data, std::string message, Status status) {
  return {status, std::move(message), std::move(data)};
}

Reply fail(Status status, std::string message) {
  return {status, std::move(message), nullptr};
}

namespace {

/// A path's segments; a route's path has a few (no allocation per request up to 8).
using Segments = boost::container::small_vector<std::string_view, 8>;

Segments split_path(std::string_view path) {
  Segments out;
  std::size_t start = 1;  // past the leading '/'
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    out.push_back(path.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

/// Requests refused with 507 because the database's disk was full: an operator must free space.
metrics::Counter& storage_full_counter(metrics::Registry& metrics) {
  return metrics.counter("dialtrack_storage_full_total",
                         "requests refused (507) because the database's disk was full");
}

}  // namespace

Router::Router(RequestLimits limits, metrics::Registry& metrics,
               std::shared_ptr<spdlog::logger> log, const Access* access)
    : limits_(limits), metrics_(metrics), log_(std::move(log)), access_(access) {
  // Shown from the start (at 0), so an alert on its rate needs no special case.
  storage_full_counter(metrics_);
}

void Router::count(const RequestHeader& request, std::string_view route, Status status) const {
  metrics_
      .counter("dialtrack_http_requests_total", "HTTP requests answered, by route and status",
               {{"method", std::string(request.method_string())},
                {"route", std::string(route)},
                {"status", std::to_string(static_cast<unsigned>(status))}})
      .inc();
}

void Router::count_answer(const RequestHeader& request, const Route& route, Status status) const {
  if (status != Status::ok) {
    count(request, route.pattern, status);
    return;
  }
  // The request matched the route, so its method is the route's: the labels never change.
  auto* counter = route.ok_counter->load(std::memory_order_acquire);
  if (counter == nullptr) {
    counter = &metrics_.counter("dialtrack_http_requests_total",
                                "HTTP requests answered, by route and status",
                                {{"method", std::string(request.method_string())},
                                 {"route", route.pattern},
                                 {"status", std::to_string(static_cast<unsigned>(status))}});
    route.ok_counter->store(counter, std::memory_order_release);
  }
  counter->inc();
}

void Router::add_route(Route route) {
  std::size_t params = 0;
  for (const auto s : split_path(route.pattern)) {
    route.segments.emplace_back(s);
    params += s.starts_with('{') ? 1 : 0;
  }
  if (params > kMaxPathParams) {
    throw std::invalid_argument("route " + route.pattern + ": more than " +
                                std::to_string(kMaxPathParams) + " path parameters");
  }
  route.latency = &metrics_.histogram("dialtrack_http_request_duration_seconds",
                                      "time from a parsed request to its answer, by route",
                                      {{"route", route.pattern}});
  routes_.push_back(std::move(route));
}

void Router::add(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
                 Handler handler) {
  add_route({method, std::move(pattern), scope, {}, std::move(handler), {}, {}, false});
}

void Router::add(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
                 Handler handler, NonBlockingHandler first) {
  add_route(
      {method, std::move(pattern), scope, {}, std::move(handler), {}, std::move(first), false});
}

void Router::add_nonblocking(beast_http::verb method, std::string pattern,
                             std::optional<Scope> scope, Handler handler) {
  auto first = [handler](const RequestContext& ctx) -> std::optional<Reply> {
    return handler(ctx);
  };
  add_route(
      {method, std::move(pattern), scope, {}, std::move(handler), {}, std::move(first), true});
}

void Router::add_inline(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
                        InlineHandler handler) {
  add_route({method, std::move(pattern), scope, {}, {}, std::move(handler), {}, false});
}

std::vector<std::string> Router::routes() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) {
    out.push_back(std::string(beast_http::to_string(r.method)) + " " + r.pattern);
  }
  return out;
}

std::vector<RouteEntry> Router::entries() const {
  std::vector<RouteEntry> out;
  for (const auto& r : routes_) {
    out.push_back({r.method, r.pattern, r.scope});
  }
  return out;
}

Response envelope_response(const Reply& reply, unsigned version, bool keep_alive) {
  return envelope_response(Reply(reply), version, keep_alive);
}

namespace {

/// The header of a reply that is not an envelope (a raw body or a stream): its status, content
/// type, keep-alive and extra headers.
Response unwrapped_header(const Reply& reply, unsigned version, bool keep_alive) {
  Response response{reply.status, version};
  response.set(beast_http::field::content_type, reply.content_type);
  response.keep_alive(keep_alive);
  for (const auto& [name, value] : reply.headers) {
    response.set(name, value);
  }
  return response;
}

}  // namespace

Response envelope_response(Reply&& reply, unsigned version, bool keep_alive) {
  if (reply.stream) {
    return unwrapped_header(reply, version, keep_alive);
  }
  if (reply.raw_body) {
    auto response = unwrapped_header(reply, version, keep_alive);
    response.body() = std::move(*reply.raw_body);
    response.prepare_payload();
    if (reply.status == Status::not_modified) {
      // A 304 has no body; a Content-Length would claim the size of the unsent one.
      response.erase(beast_http::field::content_length);
    }
    return response;
  }
  const bool success = static_cast<unsigned>(reply.status) < 400;
  // json_text's bytes of {"status", "code", "message", "data"}, written without an envelope
  // DOM: the head, then the data.
  constexpr std::size_t kSmallAnswer = 256;  // most answers: one allocation
  std::string head;
  head.reserve(kSmallAnswer);
  domain::JsonWriter(head)
      .begin_object()
      .key("status")
      .string(success ? "success" : "error")
      .key("code")
      .integer(static_cast<unsigned>(reply.status))
      .key("message")
      .string(reply.message)
      .key("data");
  std::string body;
  if (reply.data_json && reply.data_json->size() < head.capacity() - head.size()) {
    // Small data (a check's): after the head, in the room reserved for it.
    body = std::move(head);
    body.append(*reply.data_json);
  } else if (reply.data_json) {
    // Put before the text written already, in its buffer: a page is tens of kilobytes, not
    // allocated twice.
    body = std::move(*reply.data_json);
    body.insert(0, head);
  } else {
    body = std::move(head);
    domain::JsonWriter(body).value(reply.data);
  }
  body.push_back('}');
  Response response{reply.status, version};
  response.set(beast_http::field::content_type, "application/json; charset=utf-8");
  response.set(beast_http::field::cache_control, "no-store");
  response.keep_alive(keep_alive);
  for (const auto& [name, value] : reply.headers) {
    response.set(name, value);
  }
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Router::Resolved Router::resolve(const RequestHeader& header) const {
  Resolved out;
  auto& lang = out.match.lang;
  lang = language_from_header(header[beast_http::field::accept_language]);
  const auto target = header.target();
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    out.refusal = fail(Status::bad_request, text(Msg::kBadRequest, lang));
    count(header, "unmatched", Status::bad_request);
    return out;
  }
  const auto segments = split_path(url->encoded_path());
  bool path_matched = false;
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const auto& route = routes_[r];
    if (route.segments.size() != segments.size()) {
      continue;
    }
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const auto& want = route.segments[i];
      match = want.starts_with('{') || want == segments[i];
    }
    if (!match) {
      continue;
    }
    path_matched = true;
    if (route.method == header.method()) {
      out.route = &route;
      out.match.route = r;
      // The parameters of the matched route alone, as places in the target (the header is
      // moved into the request before a handler runs; a place stays true, a view might not).
      for (std::size_t i = 0; i < segments.size(); ++i) {
        if (route.segments[i].starts_with('{')) {
          out.match.params.push_back(
              {static_cast<std::size_t>(segments[i].data() - target.data()), segments[i].size()});
        }
      }
      break;
    }
  }
  if (out.route == nullptr) {
    const auto status = path_matched ? Status::method_not_allowed : Status::not_found;
    count(header, "unmatched", status);
    out.refusal = path_matched ? fail(status, text(Msg::kMethodNotAllowed, lang))
                               : not_found(Missing::kRoute, lang);
    return out;
  }
  if (access_ != nullptr) {
    if (const auto refusal = access_->admit_header(header, out.route->pattern, out.route->scope)) {
      out.refusal = access_refused(*refusal, lang);
      count(header, out.route->pattern, out.refusal->status);
    }
  }
  return out;
}

Router::Target Router::target_of(const RequestHeader& header, const RouteMatch& match) {
  const auto target = header.target();
  Target out;
  // screen parsed these same bytes already: no error here.
  out.url = boost::urls::parse_origin_form(target).value();
  for (const auto& [offset, size] : match.params) {
    out.params.push_back(target.substr(offset, size));
  }
  return out;
}

Screening Router::screen(const RequestHeader& header) const {
  auto resolved = resolve(header);
  Screening out;
  if (resolved.refusal) {
    // The server decides whether the connection stays open (it depends on the unread body).
    out.refusal = envelope_response(*resolved.refusal, header.version(), false);
    return out;
  }
  out.answers_inline =
      static_cast<bool>(resolved.route->inline_handler) || resolved.route->never_blocks;
  out.tries_inline = static_cast<bool>(resolved.route->nonblocking);
  out.match = std::move(resolved.match);
  return out;
}

Reply Router::fault(const RequestHeader& header, const Route& route, std::exception_ptr error,
                    Language lang) const {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const store_api::StoreFull& e) {
    log_->warn("{} {}: database disk full, nothing saved: {}", header.method_string(),
               route.pattern, e.what());
    storage_full_counter(metrics_).inc();
    return fault_reply(Fault::kStoreFull, lang);
  } catch (const store_api::StoreUnavailable& e) {
    log_->warn("{} {}: database unavailable: {}", header.method_string(), route.pattern, e.what());
    return fault_reply(Fault::kStoreUnavailable, lang);
  } catch (const store_api::StoreConflict& e) {
    // Every retry lost a race with other writers: busy, not broken; nothing was kept.
    log_->warn("{} {}: gave up after repeated write conflicts: {}", header.method_string(),
               route.pattern, e.what());
    return fault_reply(Fault::kStoreConflict, lang);
  } catch (const std::exception& e) {
    log_->error("{} {}: {}", header.method_string(), route.pattern, e.what());
  }
  return fault_reply(Fault::kUnexpected, lang);
}

Answer Router::finish(const Request& request, const Route& route, Reply reply,
                      std::chrono::steady_clock::time_point started) const {
  route.latency->observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  count_answer(request, route, reply.status);
  if (reply.stream) {
    auto response = envelope_response(reply, request.version(), request.keep_alive());
    return {std::move(response), std::move(reply.stream)};
  }
  return {envelope_response(std::move(reply), request.version(), request.keep_alive()), {}};
}

std::optional<Answer> Router::refuse_body(const Request& request, const Route& route,
                                          Language lang) const {
  if (access_ == nullptr) {
    return std::nullopt;
  }
  // The headers were admitted; a signed push's signature covers the body, read only now.
  const auto refusal = access_->admit_body(request, route.pattern);
  if (!refusal) {
    return std::nullopt;
  }
  const auto reply = access_refused(*refusal, lang);
  count(request, route.pattern, reply.status);
  return Answer{envelope_response(reply, request.version(), request.keep_alive()), {}};
}

Answer Router::handle(const Request& request) const {
  auto resolved = resolve(request);
  if (resolved.refusal) {
    return {envelope_response(*resolved.refusal, request.version(), request.keep_alive()), {}};
  }
  return handle(request, resolved.match);
}

Answer Router::handle(const Request& request, const RouteMatch& match) const {
  const auto& route = routes_[match.route];
  if (route.inline_handler) {
    // Called for an inline route (tests, tools): run it to the end here, blocking like the rest.
    boost::asio::io_context context;
    auto answer =
        boost::asio::co_spawn(context, handle_inline(request, match), boost::asio::use_future);
    context.run();
    return answer.get();
  }
  if (auto refused = refuse_body(request, route, match.lang)) {
    return std::move(*refused);
  }
  const auto started = std::chrono::steady_clock::now();
  Reply reply;
  try {
    auto target = target_of(request, match);
    const RequestContext context{request, match.lang, std::move(target.params), target.url.params(),
                                 limits_};
    reply = route.handler ? route.handler(context) : fault_reply(Fault::kUnexpected, match.lang);
  } catch (const std::exception&) {
    reply = fault(request, route, std::current_exception(), match.lang);
  }
  return finish(request, route, std::move(reply), started);
}

std::optional<Answer> Router::try_inline(const Request& request) const {
  auto resolved = resolve(request);
  if (resolved.refusal) {
    return Answer{envelope_response(*resolved.refusal, request.version(), request.keep_alive()),
                  {}};
  }
  return try_inline(request, resolved.match);
}

std::optional<Answer> Router::try_inline(const Request& request, const RouteMatch& match) const {
  const auto& route = routes_[match.route];
  if (!route.nonblocking) {
    return std::nullopt;
  }
  if (auto refused = refuse_body(request, route, match.lang)) {
    return refused;
  }
  const auto started = std::chrono::steady_clock::now();
  std::optional<Reply> reply;
  try {
    auto target = target_of(request, match);
    const RequestContext context{request, match.lang, std::move(target.params), target.url.params(),
                                 limits_};
    reply = route.nonblocking(context);
  } catch (const std::exception&) {
    reply = fault(request, route, std::current_exception(), match.lang);
  }
  if (!reply) {
    return std::nullopt;
  }
  return finish(request, route, std::move(*reply), started);
}

boost::asio::awaitable<Answer> Router::handle_inline(const Request& request,
                                                     const RouteMatch& match) const {
  const auto& route = routes_[match.route];
  const auto started = std::chrono::steady_clock::now();
  auto target = target_of(request, match);
  const RequestContext context{request, match.lang, std::move(target.params), target.url.params(),
                               limits_};
  std::exception_ptr error;
  Reply reply;
  try {
    // Not `?:` around co_await: GCC 12 destroys the temporaries of such an expression twice.
    auto answer = route.inline_handler(context);
    reply = co_await std::move(answer);
  } catch (const std::exception&) {
    error = std::current_exception();
  }
  if (error) {
    reply = fault(request, route, error, match.lang);
  }
  co_return finish(request, route, std::move(reply), started);
}

}  // namespace dialtrack::http
