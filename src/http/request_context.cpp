#include <boost/json/parse.hpp>

#include "domain/integer.hpp"
#include "http/outcomes.hpp"
#include "http/router.hpp"

// What a handler reads from its request: the body as a JSON object, path ids, query values.

namespace dialtrack::http {

namespace json = boost::json;

namespace {

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

}  // namespace dialtrack::http
