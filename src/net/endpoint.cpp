#include "net/endpoint.hpp"

#include <boost/url/parse.hpp>

namespace dialtrack::net {

std::optional<Location> Location::parse(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return std::nullopt;
  }
  const auto& u = *parsed;
  Location location;
  auto& e = location.endpoint;
  if (u.scheme_id() == boost::urls::scheme::https) {
    e.tls = true;
  } else if (u.scheme_id() == boost::urls::scheme::http) {
    e.tls = false;
  } else {
    return std::nullopt;
  }
  e.host = u.host_address();
  if (e.host.empty()) {
    return std::nullopt;
  }
  e.port = u.has_port() ? std::string(u.port()) : (e.tls ? "443" : "80");
  e.host_header = u.encoded_host_and_port();
  location.target = u.encoded_path();
  if (location.target.empty()) {
    location.target = "/";
  }
  if (u.has_query()) {
    location.target += "?" + std::string(u.encoded_query());
  }
  return location;
}

std::optional<Endpoint> Endpoint::parse(std::string_view url) {
  auto location = Location::parse(url);
  if (!location || location->target != "/") {
    return std::nullopt;
  }
  return std::move(location->endpoint);
}

}  // namespace dialtrack::net
