#include "http/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "domain/address.hpp"
#include "domain/enum_names.hpp"
#include "domain/integer.hpp"

namespace dialtrack::http {

namespace {

constexpr std::string_view kPushRoute = "/outbound_call_records";
constexpr std::string_view kTimestampHeader = "X-Dialtrack-Timestamp";
constexpr std::string_view kSignatureHeader = "X-Dialtrack-Signature";

constexpr std::array<domain::EnumName<Scope>, 3> kScopeNames{{
    {Scope::kRead, "read"},
    {Scope::kWrite, "write"},
    {Scope::kAdmin, "admin"},
}};
static_assert(domain::names_each_value(kScopeNames, Scope::kRead, Scope::kAdmin));

std::optional<std::array<unsigned char, 32>> decode_hex32(std::string_view hex) {
  if (hex.size() != 64) {
    return std::nullopt;
  }
  std::array<unsigned char, 32> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned value = 0;
    const auto* first = hex.data() + 2 * i;
    const auto [ptr, ec] = std::from_chars(first, first + 2, value, 16);
    if (ec != std::errc{} || ptr != first + 2) {
      return std::nullopt;
    }
    out[i] = static_cast<unsigned char>(value);
  }
  return out;
}

std::array<unsigned char, 32> hmac_sha256(std::string_view secret, std::string_view timestamp,
                                          std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  std::array<unsigned char, 32> out{};
  unsigned int length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), data, message.size(),
           out.data(), &length) == nullptr ||
      length != out.size()) {
    throw std::runtime_error("HMAC-SHA256 failed (OpenSSL)");
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<Scope> scope_from_name(std::string_view name) {
  return domain::value_named(kScopeNames, name);
}

std::string_view scope_name(Scope scope) {
  return domain::name_of(kScopeNames, scope, "admin");
}

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

TokenEntry token_entry(std::string name, std::string_view scope, std::string_view token,
                       std::string_view sha256_hex) {
  TokenEntry entry;
  entry.name = std::move(name);
  const auto parsed = scope_from_name(scope);
  if (!parsed) {
    throw std::invalid_argument("token " + entry.name + ": unknown scope");
  }
  entry.scope = *parsed;
  if (!sha256_hex.empty()) {
    const auto digest = decode_hex32(sha256_hex);
    if (!digest) {
      throw std::invalid_argument("token " + entry.name + ": sha256 is not 64 hex digits");
    }
    entry.sha256 = *digest;
  } else {
    entry.sha256 = sha256(token);
  }
  return entry;
}

std::string push_signature_hex(std::string_view secret, std::string_view timestamp,
                               std::string_view body) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const auto byte : hmac_sha256(secret, timestamp, body)) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0f];
  }
  return out;
}

Access::Access(AccessOptions options) : options_(std::move(options)) {
  if (!options_.unix_now) {
    options_.unix_now = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

const TokenEntry* Access::find_token(std::string_view authorization) const {
  authorization = trim(authorization);
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "Bearer")) {
    return nullptr;
  }
  const auto presented = sha256(trim(authorization.substr(space + 1)));
  // Every entry is compared, whatever matched, so the time taken says nothing about which.
  const TokenEntry* found = nullptr;
  for (const auto& entry : options_.tokens) {
    if (CRYPTO_memcmp(entry.sha256.data(), presented.data(), presented.size()) == 0) {
      found = &entry;
    }
  }
  return found;
}

bool Access::signs(const RequestHeader& header, std::string_view pattern) const {
  return !options_.signing_secret.empty() && header.method() == beast_http::verb::post &&
         pattern == kPushRoute;
}

std::optional<Denial> Access::check_signature_headers(const RequestHeader& header) const {
  const auto timestamp_it = header.find(kTimestampHeader);
  const auto signature_it = header.find(kSignatureHeader);
  if (timestamp_it == header.end() || signature_it == header.end()) {
    return Denial::kSignatureMissing;
  }
  const auto sent = domain::parse_int64(trim(timestamp_it->value()));
  if (!sent) {
    return Denial::kSignatureInvalid;
  }
  const auto age = options_.unix_now() - *sent;
  if (age > options_.signature_max_age.count() || -age > options_.signature_max_age.count()) {
    return Denial::kSignatureExpired;
  }
  const std::string_view signature = trim(signature_it->value());
  if (signature.size() < 7 || !iequals(signature.substr(0, 7), "sha256=") ||
      !decode_hex32(signature.substr(7))) {
    return Denial::kSignatureInvalid;
  }
  return std::nullopt;
}

std::optional<AccessRefusal> Access::admit_header(const RequestHeader& header,
                                                  std::string_view pattern,
                                                  std::optional<Scope> scope) const {
  if (tokens_configured() && scope.has_value()) {  // kPublic: no token needed
    const auto field = header.find(beast_http::field::authorization);
    if (field == header.end() || trim(field->value()).empty()) {
      return AccessRefusal{Denial::kTokenMissing, *scope};
    }
    const auto* token = find_token(field->value());
    if (token == nullptr) {
      return AccessRefusal{Denial::kTokenInvalid, *scope};
    }
    if (static_cast<int>(token->scope) < static_cast<int>(*scope)) {
      return AccessRefusal{Denial::kScopeTooLow, *scope};
    }
  }
  if (signs(header, pattern)) {
    if (const auto denial = check_signature_headers(header)) {
      return AccessRefusal{*denial, Scope::kWrite};
    }
  }
  return std::nullopt;
}

std::optional<AccessRefusal> Access::admit_body(const Request& request,
                                                std::string_view pattern) const {
  if (!signs(request, pattern)) {
    return std::nullopt;
  }
  // admit_header checked that both headers are there and well formed, and the timestamp's age.
  const std::string_view timestamp = trim(request[kTimestampHeader]);
  const std::string_view signature = trim(request[kSignatureHeader]);
  const auto given = signature.size() > 7 ? decode_hex32(signature.substr(7)) : std::nullopt;
  const auto expected = hmac_sha256(options_.signing_secret, timestamp, request.body());
  if (!given || CRYPTO_memcmp(expected.data(), given->data(), expected.size()) != 0) {
    return AccessRefusal{Denial::kSignatureInvalid, Scope::kWrite};
  }
  return std::nullopt;
}

std::optional<AccessRefusal> Access::admit(const Request& request, std::string_view pattern,
                                           std::optional<Scope> scope) const {
  if (auto refusal = admit_header(request, pattern, scope)) {
    return refusal;
  }
  return admit_body(request, pattern);
}

std::string Access::describe_tokens() const {
  std::array<int, 3> counts{};
  for (const auto& t : options_.tokens) {
    ++counts.at(static_cast<std::size_t>(t.scope) - 1);
  }
  return std::to_string(options_.tokens.size()) + " tokens (" + std::to_string(counts[0]) +
         " read, " + std::to_string(counts[1]) + " write, " + std::to_string(counts[2]) + " admin)";
}

std::optional<std::string> loopback_instead(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return std::nullopt;  // not HOST:PORT: the server reports it
  }
  const std::string host = listen.substr(0, colon);
  if (host == "localhost" ||
      domain::classify_literal_host(host) == domain::AddressKind::kLoopback) {
    return std::nullopt;
  }
  return "127.0.0.1" + listen.substr(colon);
}

}  // namespace dialtrack::http
