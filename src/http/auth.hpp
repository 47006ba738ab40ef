#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"
#include "http/scope.hpp"

namespace dialtrack::http {

[[nodiscard]] std::optional<Scope> scope_from_name(std::string_view name);
[[nodiscard]] std::string_view scope_name(Scope scope);

/// A configured token, kept only as the SHA-256 of the token.
struct TokenEntry {
  std::string name;
  Scope scope = Scope::kRead;
  std::array<unsigned char, 32> sha256{};
};

/// SHA-256 of `text`.
[[nodiscard]] std::array<unsigned char, 32> sha256(std::string_view text);
/// A token from the configuration: hashes `token`, or decodes `sha256_hex`. Throws
/// std::invalid_argument on a bad scope or digest.
[[nodiscard]] TokenEntry token_entry(std::string name, std::string_view scope,
                                     std::string_view token, std::string_view sha256_hex);

struct AccessOptions {
  std::vector<TokenEntry> tokens;  ///< none: no authentication at all
  bool metrics_require_token = false;
  std::string signing_secret;  ///< non-empty: pushes must be signed
  std::chrono::seconds signature_max_age{300};
  /// The current Unix time in seconds (a parameter so tests of this class could pass theirs).
  std::function<std::int64_t()> unix_now;
};

/// Why a request was turned away. The router turns each into its status and message.
enum class Denial {
  kTokenMissing,      ///< 401: no `Authorization: Bearer` header
  kTokenInvalid,      ///< 401: a token that is not configured
  kScopeTooLow,       ///< 403: the token's scope does not cover the route
  kSignatureMissing,  ///< 401: a push without X-Dialtrack-Timestamp / X-Dialtrack-Signature
  kSignatureInvalid,  ///< 401: the signature does not match the body
  kSignatureExpired,  ///< 401: the timestamp is outside signature_max_age (a replay)
};

/// A refusal with the scope the route needed (for kScopeTooLow's message).
struct AccessRefusal {
  Denial denial;
  Scope needed = Scope::kRead;
};

/// Who may call which route. Rules, in order (see docs/api.md "Authentication"):
/// 1. With no tokens configured, every route is open (the service then listens on loopback).
/// 2. Each route of the table names its scope (http/api.cpp): kPublic routes are open to
///    anyone; every other one needs a token whose scope covers the route's.
/// Independently, when a signing secret is set, `POST /outbound_call_records` must carry a
/// valid signature. Tokens are compared by SHA-256 digest in constant time.
class Access {
 public:
  explicit Access(AccessOptions options);

  [[nodiscard]] bool tokens_configured() const { return !options_.tokens.empty(); }
  /// True when `GET /metrics` needs a read token (`auth.metrics_require_token`).
  [[nodiscard]] bool metrics_require_token() const { return options_.metrics_require_token; }
  /// Nothing when the request may run the route `pattern`, which needs `scope` (kPublic:
  /// none), else why not: admit_header, then admit_body.
  [[nodiscard]] std::optional<AccessRefusal> admit(const Request& request, std::string_view pattern,
                                                   std::optional<Scope> scope) const;
  /// What the headers alone decide (the token and its scope; a push's signature headers and
  /// their age), before the body is read: a refused client's body is never read.
  [[nodiscard]] std::optional<AccessRefusal> admit_header(const RequestHeader& header,
                                                          std::string_view pattern,
                                                          std::optional<Scope> scope) const;
  /// What needs the body, once admit_header passed: a signed push's signature over it.
  [[nodiscard]] std::optional<AccessRefusal> admit_body(const Request& request,
                                                        std::string_view pattern) const;

  /// How many tokens of each scope, for the start-up log: "3 tokens (1 read, 1 write, 1 admin)".
  [[nodiscard]] std::string describe_tokens() const;

 private:
  [[nodiscard]] const TokenEntry* find_token(std::string_view authorization) const;
  [[nodiscard]] bool signs(const RequestHeader& header, std::string_view pattern) const;
  [[nodiscard]] std::optional<Denial> check_signature_headers(const RequestHeader& header) const;

  AccessOptions options_;
};

/// The HMAC-SHA256 a signed push carries in X-Dialtrack-Signature (after `sha256=`), as
/// lowercase hex, over `timestamp + "." + body`.
[[nodiscard]] std::string push_signature_hex(std::string_view secret, std::string_view timestamp,
                                             std::string_view body);

/// The address to listen on when no token is configured: nothing when `listen` is already a
/// loopback address (127.0.0.0/8, ::1, localhost), else `127.0.0.1:PORT` with its port.
[[nodiscard]] std::optional<std::string> loopback_instead(const std::string& listen);

}  // namespace dialtrack::http
