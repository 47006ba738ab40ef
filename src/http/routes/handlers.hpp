#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "http/decoders.hpp"
#include "http/messages.hpp"
#include "http/outcomes.hpp"
#include "http/router.hpp"

/// What the route handlers share: reading the parts of a request they need (path ids, query
/// parameters, the body) and answering the first that could not be read, and the reply to a
/// lookup, with the statuses http/outcomes.hpp chose.
namespace dialtrack::http {

/// The error reply of the first of these parts that could not be read, in the order given;
/// none when every one was read. Reading them all first answers the same reply as stopping at
/// the first: reading a part changes nothing.
template <typename... T>
std::optional<Reply> first_error(Decoded<T>&... parts) {
  for (auto* error : {std::get_if<Reply>(&parts)...}) {
    if (error != nullptr) {
      return std::move(*error);
    }
  }
  return std::nullopt;
}

/// Runs `handle` with the route's path parameter `name` (its first `{...}` segment) as an id,
/// or answers why it is not one.
template <typename Handle>
Reply with_path_id(const RequestContext& ctx, std::string_view name, Handle handle) {
  auto id = ctx.path_id(0, name);
  if (auto error = first_error(id)) {
    return std::move(*error);
  }
  return handle(std::get<std::int64_t>(id));
}

/// Which page of a listing, from `?page=` (from 1) and `?page_size=` (20 when absent).
struct PageQuery {
  std::int64_t page = 1;
  std::int64_t page_size = 20;
};

/// `?page=` and `?page_size=` (at most `max_page_size`), or the reply that says which is wrong.
inline Decoded<PageQuery> page_query(const RequestContext& ctx, std::int64_t max_page_size) {
  auto page = ctx.query_int("page", 1, 1, INT32_MAX, "positive");
  auto page_size = ctx.query_int("page_size", 20, 1, max_page_size, "page_size");
  if (auto error = first_error(page, page_size)) {
    return std::move(*error);
  }
  return PageQuery{std::get<std::int64_t>(page), std::get<std::int64_t>(page_size)};
}

/// The body, a JSON object, decoded by `decode(object, args...)` (a decoder of
/// http/decoders.hpp), or the reply that says why it could not be: not a JSON object, or the
/// field error the decoder found.
template <typename T, typename... Args>
Decoded<T> decode_body(const RequestContext& ctx,
                       DecodeResult<T> (*decode)(const boost::json::object&, Args...),
                       std::type_identity_t<Args>... args) {
  auto body = ctx.body_object();
  if (auto error = first_error(body)) {
    return std::move(*error);
  }
  auto decoded = decode(std::get<boost::json::object>(body), args...);
  if (const auto* error = std::get_if<domain::FieldError>(&decoded)) {
    return bad_field(*error, ctx.lang);
  }
  return std::move(std::get<T>(decoded));
}

/// 200 with the JSON that `data` makes of what a lookup `found`, or 404 naming what is
/// `missing`.
template <typename T, typename Data>
Reply found_reply(const std::optional<T>& found, Missing missing, Language lang, Data data) {
  if (!found) {
    return not_found(missing, lang);
  }
  return ok(data(*found), text(Msg::kOk, lang));
}

}  // namespace dialtrack::http
