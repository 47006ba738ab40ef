#pragma once

#include <spdlog/logger.h>

#include <array>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/container/static_vector.hpp>
#include <boost/json.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/url_view.hpp>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/validation.hpp"
#include "http/body_stream.hpp"
#include "http/messages.hpp"
#include "http/scope.hpp"
#include "metrics/metrics.hpp"

namespace dialtrack::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using RequestHeader = beast_http::request_header<>;
using Response = beast_http::response<beast_http::string_body>;
using Status = beast_http::status;

/// What a handler answers; the router wraps it in the envelope, unless `raw_body` is set
/// (`/metrics` answers Prometheus text, not JSON) or `stream` is.
struct Reply {
  Status status = Status::ok;
  std::string message;
  boost::json::value data;  ///< null for errors without details
  /// `data` already written as JSON text (domain::JsonWriter), which the envelope takes instead
  /// of `data`: large pages skip the DOM.
  std::optional<std::string> data_json;
  std::optional<std::string> raw_body;
  std::string content_type;                                  ///< with `raw_body` or `stream`
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra response headers
  /// A body sent piece by piece after the header (chunked): exports, Server-Sent Events.
  /// The response carries this reply's status, content type and headers and no body.
  std::shared_ptr<BodyStream> stream;
};

/// What the router answers a request with: a whole response, or a response header whose body
/// `stream` produces (the connection writes it chunked).
struct Answer {
  Response response;
  std::shared_ptr<BodyStream> stream;  ///< null for a whole response
};

Reply ok(boost::json::value data, std::string message, Status status = Status::ok);
Reply fail(Status status, std::string message);

/// A parsed value or the error reply to send instead.
template <typename T>
using Decoded = std::variant<T, Reply>;

/// Limits the router applies to every request body.
struct RequestLimits {
  int max_json_depth = 32;
};

/// The `{...}` segments a route pattern may have at most.
inline constexpr std::size_t kMaxPathParams = 4;
/// A request's path parameters, held in place (no allocation per request).
using PathParams = boost::container::static_vector<std::string_view, kMaxPathParams>;

/// One request as the handlers see it.
struct RequestContext {
  const Request& request;
  Language lang;
  PathParams params;  ///< the `{...}` segments of the route, in order
  boost::urls::params_view query;
  const RequestLimits& limits;

  /// The body parsed as a JSON object (within the depth limit); an empty body reads as `{}`
  /// when `empty_is_object`.
  [[nodiscard]] Decoded<boost::json::object> body_object(bool empty_is_object = false) const;
  /// The path parameter `index` as a positive int64.
  [[nodiscard]] Decoded<std::int64_t> path_id(std::size_t index, std::string_view name) const;
  /// A query parameter's percent-decoded value (the last one when repeated); empty when absent.
  [[nodiscard]] std::optional<std::string> query_value(std::string_view name) const;
  /// A query parameter as an integer in [min, max]; `fallback` when absent.
  [[nodiscard]] Decoded<std::int64_t> query_int(std::string_view name, std::int64_t fallback,
                                                std::int64_t min, std::int64_t max,
                                                std::string_view range) const;
  /// An optional query parameter as an integer in [min, max].
  [[nodiscard]] Decoded<std::optional<std::int64_t>> query_optional_int(
      std::string_view name, std::int64_t min, std::int64_t max, std::string_view range) const;
};

using Handler = std::function<Reply(const RequestContext&)>;
/// A handler that never blocks its thread (no database, no worker): it runs on the connection's
/// I/O thread, so it answers even when every worker waits for a stuck database.
using InlineHandler = std::function<boost::asio::awaitable<Reply>(const RequestContext&)>;

/// A handler's attempt to answer without blocking (from memory, or from a read that never
/// waits): it runs on the connection's I/O thread; empty when the request needs the route's
/// blocking handler, which then runs on the worker pool as if no attempt had been made.
using NonBlockingHandler = std::function<std::optional<Reply>(const RequestContext&)>;

class Access;

/// A route as the table declares it, without its handler.
struct RouteEntry {
  beast_http::verb method;
  std::string pattern;
  std::optional<Scope> scope;  ///< kPublic or the scope a token needs
};

/// The route `Router::screen` matched a request's header to and admitted it on, which the
/// router's answering calls take so that a request is matched (URL, route, access) once.
struct RouteMatch {
  std::size_t route = 0;  ///< its place in the router's table
  Language lang = Language::kChinese;
  /// Where each path parameter is in the request target: offset and length.
  boost::container::static_vector<std::array<std::size_t, 2>, kMaxPathParams> params;
};

/// What the request line and headers alone decide, before any of the body is read.
struct Screening {
  std::optional<Response> refusal;  ///< 400, 404, 405, 401 or 403: answer it, run nothing
  /// The route always answers on the I/O thread: an InlineHandler's (handle_inline) or a
  /// handler that never blocks (try_inline).
  bool answers_inline = false;
  bool tries_inline = false;  ///< the route has a NonBlockingHandler: try_inline first
  RouteMatch match;           ///< without a refusal: for handle, try_inline and handle_inline
};

/// The route table: method, path pattern with `{name}` segments, scope, handler. `handle` is
/// the pure `request -> response` function the connections call; it never throws: faults
/// become a 500 (or a 503 when the database is unavailable) and are logged.
class Router {
 public:
  /// `access`, when given, decides who may run each matched route (http/auth.hpp).
  Router(RequestLimits limits, metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log,
         const Access* access = nullptr);

  /// Adds a route. `scope` is what a token must allow to call it (kPublic: anyone); Access
  /// checks it before the handler runs, and only for this method: the same path with another
  /// method is another route, or a 405.
  void add(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
           Handler handler);
  /// Adds a route whose handler runs on the I/O thread (liveness and readiness probes).
  void add_inline(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
                  InlineHandler handler);
  /// Adds a route whose handler never blocks (it answers from memory: `/metrics`, the
  /// dashboard's files): it runs on the I/O thread, with no hand-off to the worker pool.
  void add_nonblocking(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
                       Handler handler);
  /// Adds a route that `first` tries to answer on the I/O thread; when it cannot, `handler`
  /// answers on the worker pool.
  void add(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
           Handler handler, NonBlockingHandler first);
  /// Decides from the header whether the request may run at all (route, method, token, scope),
  /// so a refused request's body is never read; counts the refusals it answers.
  [[nodiscard]] Screening screen(const RequestHeader& header) const;
  /// Answers a request (blocking: run it on a worker; an inline route runs to its end here).
  [[nodiscard]] Answer handle(const Request& request) const;
  /// The same for a request that `screen` admitted: `match` is its screening's, for this
  /// request's header (the route is not matched again).
  [[nodiscard]] Answer handle(const Request& request, const RouteMatch& match) const;
  /// Answers a request of a route with a NonBlockingHandler on the calling (I/O) thread, or
  /// nothing when its blocking handler must answer (`handle`, on a worker).
  [[nodiscard]] std::optional<Answer> try_inline(const Request& request) const;
  /// The same for a request that `screen` admitted, with its screening's `match`.
  [[nodiscard]] std::optional<Answer> try_inline(const Request& request,
                                                 const RouteMatch& match) const;
  /// Answers a request of a route added with `add_inline` that `screen` admitted, with its
  /// screening's `match` (which must outlive the coroutine), on the caller's executor.
  [[nodiscard]] boost::asio::awaitable<Answer> handle_inline(const Request& request,
                                                             const RouteMatch& match) const;

  /// Every registered route as "METHOD /pattern", for documentation checks.
  [[nodiscard]] std::vector<std::string> routes() const;
  /// Every registered route with its scope, in the order added.
  [[nodiscard]] std::vector<RouteEntry> entries() const;

 private:
  struct Route {
    beast_http::verb method;
    std::string pattern;
    std::optional<Scope> scope;
    std::vector<std::string> segments;
    Handler handler;                 ///< empty for an inline route
    InlineHandler inline_handler;    ///< set for an inline route
    NonBlockingHandler nonblocking;  ///< tried on the I/O thread before `handler`, if set
    bool never_blocks = false;       ///< `nonblocking` always answers (add_nonblocking)
    metrics::Histogram* latency = nullptr;
    /// The route's counter of 200 answers, found on the first one (count_answer).
    std::shared_ptr<std::atomic<metrics::Counter*>> ok_counter =
        std::make_shared<std::atomic<metrics::Counter*>>(nullptr);
  };

  /// A request matched to its route, or the answer that refuses it.
  struct Resolved {
    RouteMatch match;
    const Route* route = nullptr;
    std::optional<Reply> refusal;
  };

  /// What a handler of a matched request gets from the router: the request's URL and path
  /// parameters, which view its target.
  struct Target {
    /// Views the request's target; its query is read through it (a params_view refers to it).
    boost::urls::url_view url;
    PathParams params;
  };

  void add_route(Route route);
  /// Matches the route and asks Access; the refusal, if any, is counted.
  [[nodiscard]] Resolved resolve(const RequestHeader& header) const;
  /// The URL and path parameters of a request that `match` is the screening of.
  [[nodiscard]] static Target target_of(const RequestHeader& header, const RouteMatch& match);
  /// The answer to a request whose body Access refuses (a signed push's signature), counted;
  /// nothing when it is admitted.
  [[nodiscard]] std::optional<Answer> refuse_body(const Request& request, const Route& route,
                                                  Language lang) const;
  /// The fault caught at the top of a request, logged, as its reply.
  [[nodiscard]] Reply fault(const RequestHeader& header, const Route& route,
                            std::exception_ptr error, Language lang) const;
  /// Observes the latency, counts the status and wraps the reply in the envelope (a streamed
  /// reply's header goes out right after: its latency is the time to its first byte).
  [[nodiscard]] Answer finish(const Request& request, const Route& route, Reply reply,
                              std::chrono::steady_clock::time_point started) const;
  /// Counts the request by method, route and status.
  void count(const RequestHeader& request, std::string_view route, Status status) const;
  /// Counts the answer of a matched route like `count`; a 200 without the registry's lock and
  /// label strings (7 allocations and a lock shared by every thread, per request).
  void count_answer(const RequestHeader& request, const Route& route, Status status) const;

  RequestLimits limits_;
  metrics::Registry& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<Route> routes_;
  const Access* access_ = nullptr;
};

/// Serialises a reply in the envelope, with matching status, keep-alive and version. For a
/// reply with a `stream`, only the header: status, content type, headers, no length.
Response envelope_response(const Reply& reply, unsigned version, bool keep_alive);
/// The same, taking the reply's data and body instead of copying them.
Response envelope_response(Reply&& reply, unsigned version, bool keep_alive);

}  // namespace dialtrack::http
