#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dialtrack::net {

/// Where an HTTP(S) server lives: `https://host[:port]` (TLS, certificate and name verified)
/// or `http://host[:port]` (plain TCP).
struct Endpoint {
  bool tls = true;
  std::string host;         ///< for resolving and TLS (SNI, certificate name); IPv6 unbracketed
  std::string port;         ///< explicit or the scheme's default
  std::string host_header;  ///< host[:port] as written in the URL

  /// Parses `http(s)://host[:port][/]`: a server's base URL (a dialer's API); nothing when it
  /// is not such a URL (a path or a query is refused).
  static std::optional<Endpoint> parse(std::string_view url);
};

/// An absolute http(s) URL split for a request: the server, and what to ask it for.
struct Location {
  Endpoint endpoint;
  std::string target;  ///< path and query as written, `/` when the URL has no path

  /// Parses `http(s)://host[:port][/path][?query]`; nothing when it is not such a URL (one
  /// with a fragment included: a fragment is never sent, so it has no place in a target).
  static std::optional<Location> parse(std::string_view url);
};

}  // namespace dialtrack::net
