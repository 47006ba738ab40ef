#include "http/router.hpp"

#include <boost/url/parse.hpp>
#include <chrono>

#include "domain/integer.hpp"
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

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;  // past the leading '/'
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    out.push_back(path.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

std::optional<std::int64_t> parse_positive(std::string_view text) {
  const auto value = domain::parse_int64(text);
  if (!value || *value <= 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Decoded<json::object> RequestContext::body_object(bool empty_is_object) const {
  const auto& body = request.body();
  if (body.empty() && empty_is_object) {
    return json::object{};
  }
  json::parse_options options;
  options.max_depth = static_cast<std::size_t>(limits.max_json_depth);
  boost::system::error_code ec;
  json::value value = json::parse(body, ec, {}, options);
  if (ec == json::error::too_deep) {
    return fail(Status::bad_request, json_too_deep_text(limits.max_json_depth, lang));
  }
  if (ec) {
    return fail(Status::bad_request, invalid_json_text(ec.message(), lang));
  }
  if (!value.is_object()) {
    return fail(Status::bad_request, text(Msg::kBodyNotObject, lang));
  }
  return std::move(value.as_object());
}

Decoded<std::int64_t> RequestContext::path_id(std::size_t index, std::string_view name) const {
  if (const auto id = parse_positive(params.at(index))) {
    return *id;
  }
  return Reply{Status::bad_request, invalid_path_id_text(name, lang),
               json::object{{"field", name}}};
}

std::optional<std::string> RequestContext::query_value(std::string_view name) const {
  // The last occurrence wins. Not params_view::find_last: in Boost 1.81 it misses a key whose
  // value holds a '=' (`?page=0=1`), which would let a bad value pass as absent.
  std::optional<std::string> found;
  for (const auto param : query) {
    if (param.key == name) {
      found = param.value;
    }
  }
  return found;
}

Decoded<std::optional<std::int64_t>> RequestContext::query_optional_int(
    std::string_view name, std::int64_t min, std::int64_t max, std::string_view range) const {
  const auto found = query_value(name);
  if (!found || found->empty()) {
    return std::optional<std::int64_t>{};
  }
  const auto value = domain::parse_int64(*found);
  if (!value || *value < min || *value > max) {
    return bad_field({std::string(name), domain::Problem::kOutOfRange, std::string(range)}, lang);
  }
  return value;
}

Decoded<std::int64_t> RequestContext::query_int(std::string_view name, std::int64_t fallback,
                                                std::int64_t min, std::int64_t max,
                                                std::string_view range) const {
  auto value = query_optional_int(name, min, max, range);
  if (auto* error = std::get_if<Reply>(&value)) {
    return std::move(*error);
  }
  return std::get<std::optional<std::int64_t>>(value).value_or(fallback);
}

Router::Router(RequestLimits limits, metrics::Registry& metrics,
               std::shared_ptr<spdlog::logger> log, const Access* access)
    : limits_(limits), metrics_(metrics), log_(std::move(log)), access_(access) {}

void Router::count(const Request& request, std::string_view route, Status status) const {
  metrics_
      .counter("dialtrack_http_requests_total", "HTTP requests answered, by route and status",
               {{"method", std::string(request.method_string())},
                {"route", std::string(route)},
                {"status", std::to_string(static_cast<unsigned>(status))}})
      .inc();
}

void Router::add(beast_http::verb method, std::string pattern, std::optional<Scope> scope,
                 Handler handler) {
  std::vector<std::string> segments;
  for (const auto s : split_path(pattern)) {
    segments.emplace_back(s);
  }
  auto* latency = &metrics_.histogram("dialtrack_http_request_duration_seconds",
                                      "time from a parsed request to its answer, by route",
                                      {{"route", pattern}});
  routes_.push_back(
      {method, std::move(pattern), scope, std::move(segments), std::move(handler), latency});
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
  if (reply.raw_body) {
    Response response{reply.status, version};
    response.set(beast_http::field::content_type, reply.content_type);
    response.keep_alive(keep_alive);
    for (const auto& [name, value] : reply.headers) {
      response.set(name, value);
    }
    response.body() = *reply.raw_body;
    response.prepare_payload();
    if (reply.status == Status::not_modified) {
      // A 304 has no body; a Content-Length would claim the size of the unsent one.
      response.erase(beast_http::field::content_length);
    }
    return response;
  }
  const bool success = static_cast<unsigned>(reply.status) < 400;
  json::object envelope;
  envelope["status"] = success ? "success" : "error";
  envelope["code"] = static_cast<unsigned>(reply.status);
  envelope["message"] = reply.message;
  envelope["data"] = reply.data;
  Response response{reply.status, version};
  response.set(beast_http::field::content_type, "application/json; charset=utf-8");
  response.set(beast_http::field::cache_control, "no-store");
  response.keep_alive(keep_alive);
  for (const auto& [name, value] : reply.headers) {
    response.set(name, value);
  }
  response.body() = json::serialize(envelope);
  response.prepare_payload();
  return response;
}

Response Router::handle(const Request& request) const {
  const Language lang = language_from_header(request[beast_http::field::accept_language]);
  const auto url = boost::urls::parse_origin_form(request.target());
  Reply reply;
  if (!url) {
    reply = fail(Status::bad_request, text(Msg::kBadRequest, lang));
    return envelope_response(reply, request.version(), request.keep_alive());
  }
  const auto segments = split_path(url->encoded_path());
  bool path_matched = false;
  const Route* found = nullptr;
  std::vector<std::string_view> params;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) {
      continue;
    }
    std::vector<std::string_view> candidate;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const auto& want = route.segments[i];
      if (want.starts_with('{')) {
        candidate.push_back(segments[i]);
      } else {
        match = want == segments[i];
      }
    }
    if (!match) {
      continue;
    }
    path_matched = true;
    if (route.method == request.method()) {
      found = &route;
      params = std::move(candidate);
      break;
    }
  }
  if (found == nullptr) {
    count(request, "unmatched", path_matched ? Status::method_not_allowed : Status::not_found);
    reply = path_matched ? fail(Status::method_not_allowed, text(Msg::kMethodNotAllowed, lang))
                         : not_found(Missing::kRoute, lang);
    return envelope_response(reply, request.version(), request.keep_alive());
  }
  if (access_ != nullptr) {
    if (const auto refusal = access_->admit(request, found->pattern, found->scope)) {
      reply = access_refused(*refusal, lang);
      count(request, found->pattern, reply.status);
      return envelope_response(reply, request.version(), request.keep_alive());
    }
  }
  const auto started = std::chrono::steady_clock::now();
  try {
    const RequestContext context{request, lang, std::move(params), url->params(), limits_};
    reply = found->handler(context);
  } catch (const store_api::StoreUnavailable& e) {
    log_->warn("{} {}: database unavailable: {}", request.method_string(), found->pattern,
               e.what());
    reply = fault_reply(Fault::kStoreUnavailable, lang);
  } catch (const store_api::StoreConflict& e) {
    // Every retry lost a race with other writers: busy, not broken; nothing was kept.
    log_->warn("{} {}: gave up after repeated write conflicts: {}", request.method_string(),
               found->pattern, e.what());
    reply = fault_reply(Fault::kStoreConflict, lang);
  } catch (const std::exception& e) {
    log_->error("{} {}: {}", request.method_string(), found->pattern, e.what());
    reply = fault_reply(Fault::kUnexpected, lang);
  }
  found->latency->observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  count(request, found->pattern, reply.status);
  return envelope_response(reply, request.version(), request.keep_alive());
}

}  // namespace dialtrack::http
