#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dialtrack::fuzz {

/// The fuzz input as the router reads a request body (RequestContext::body_object): JSON within
/// the router's default depth limit, and an object; anything else never reaches a decoder.
inline std::optional<boost::json::object> body_object(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxJsonDepth = 32;  // RequestLimits::max_json_depth's default
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

}  // namespace dialtrack::fuzz
