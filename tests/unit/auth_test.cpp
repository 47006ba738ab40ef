#include "http/auth.hpp"

#include <gtest/gtest.h>

namespace dialtrack::http {
namespace {

using beast_http::verb;

constexpr std::int64_t kNow = 1'800'000'000;

Access make_access(bool metrics_require_token = false, std::string secret = {}) {
  AccessOptions options;
  options.tokens.push_back(token_entry("reader", "read", "reader-token-0123456789", ""));
  options.tokens.push_back(token_entry("writer", "write", "writer-token-0123456789", ""));
  // The admin token is given as its digest, as in a token file.
  const auto digest = sha256("admin-token-0123456789");
  std::string hex;
  for (const auto b : digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[b >> 4];
    hex += kHex[b & 0x0f];
  }
  options.tokens.push_back(token_entry("admin", "admin", "", hex));
  options.metrics_require_token = metrics_require_token;
  options.signing_secret = std::move(secret);
  options.unix_now = [] { return kNow; };
  return Access(std::move(options));
}

Request request(verb method, std::string_view target, std::string_view token = {}) {
  Request r{method, target, 11};
  if (!token.empty()) {
    r.set(beast_http::field::authorization, "Bearer " + std::string(token));
  }
  return r;
}

TEST(AccessTest, ScopesOfTheRoutes) {
  const auto access = make_access();
  EXPECT_EQ(access.required_scope(verb::get, "/healthz"), std::nullopt);
  EXPECT_EQ(access.required_scope(verb::get, "/"), std::nullopt);
  EXPECT_EQ(access.required_scope(verb::get, "/assets/{file}"), std::nullopt);
  EXPECT_EQ(access.required_scope(verb::get, "/openapi.yaml"), std::nullopt);
  EXPECT_EQ(access.required_scope(verb::get, "/metrics"), std::nullopt);
  EXPECT_EQ(access.required_scope(verb::get, "/tasks"), Scope::kRead);
  EXPECT_EQ(access.required_scope(verb::get, "/reports/summary"), Scope::kRead);
  EXPECT_EQ(access.required_scope(verb::post, "/check_task_completion"), Scope::kRead);
  EXPECT_EQ(access.required_scope(verb::post, "/check_task_completion/batch"), Scope::kRead);
  EXPECT_EQ(access.required_scope(verb::post, "/tasks"), Scope::kWrite);
  EXPECT_EQ(access.required_scope(verb::delete_, "/tasks/{task_id}"), Scope::kWrite);
  EXPECT_EQ(access.required_scope(verb::post, "/outbound_call_records"), Scope::kWrite);
  EXPECT_EQ(access.required_scope(verb::get, "/webhooks"), Scope::kAdmin);
  EXPECT_EQ(access.required_scope(verb::delete_, "/webhooks/{webhook_id}"), Scope::kAdmin);
  // Only GETs of the public pages are public.
  EXPECT_EQ(access.required_scope(verb::post, "/healthz"), Scope::kWrite);
  EXPECT_EQ(make_access(true).required_scope(verb::get, "/metrics"), Scope::kRead);
}

TEST(AccessTest, TokensAreCheckedAgainstTheScope) {
  const auto access = make_access();
  EXPECT_FALSE(access.admit(request(verb::get, "/tasks", "reader-token-0123456789"), "/tasks"));
  EXPECT_FALSE(access.admit(request(verb::post, "/tasks", "writer-token-0123456789"), "/tasks"));
  EXPECT_FALSE(access.admit(request(verb::get, "/tasks", "writer-token-0123456789"), "/tasks"));
  EXPECT_FALSE(
      access.admit(request(verb::get, "/webhooks", "admin-token-0123456789"), "/webhooks"));
  const auto low = access.admit(request(verb::post, "/tasks", "reader-token-0123456789"), "/tasks");
  ASSERT_TRUE(low);
  EXPECT_EQ(low->denial, Denial::kScopeTooLow);
  EXPECT_EQ(low->needed, Scope::kWrite);
  EXPECT_EQ(
      access.admit(request(verb::get, "/webhooks", "writer-token-0123456789"), "/webhooks")->denial,
      Denial::kScopeTooLow);
  EXPECT_EQ(access.admit(request(verb::get, "/tasks"), "/tasks")->denial, Denial::kTokenMissing);
  EXPECT_EQ(access.admit(request(verb::get, "/tasks", "reader-token-012345678"), "/tasks")->denial,
            Denial::kTokenInvalid);
  auto basic = request(verb::get, "/tasks");
  basic.set(beast_http::field::authorization, "Basic cmVhZGVyOnJlYWRlcg==");
  EXPECT_EQ(access.admit(basic, "/tasks")->denial, Denial::kTokenInvalid);
  EXPECT_FALSE(access.admit(request(verb::get, "/healthz"), "/healthz"));
}

TEST(AccessTest, NoTokensMeansOpen) {
  const Access open{AccessOptions{}};
  EXPECT_FALSE(open.tokens_configured());
  EXPECT_FALSE(open.admit(request(verb::delete_, "/webhooks/1"), "/webhooks/{webhook_id}"));
}

TEST(AccessTest, SignedPushes) {
  const auto access = make_access(false, "push-secret");
  const std::string body = R"({"records":[]})";
  auto signed_push = [&](std::int64_t timestamp, std::string_view signed_body) {
    auto r = request(verb::post, "/outbound_call_records", "writer-token-0123456789");
    r.set("X-Dialtrack-Timestamp", std::to_string(timestamp));
    r.set("X-Dialtrack-Signature",
          "sha256=" + push_signature_hex("push-secret", std::to_string(timestamp), signed_body));
    r.body() = body;
    return r;
  };
  EXPECT_FALSE(access.admit(signed_push(kNow, body), "/outbound_call_records"));
  EXPECT_FALSE(access.admit(signed_push(kNow - 299, body), "/outbound_call_records"));
  EXPECT_EQ(access.admit(signed_push(kNow - 301, body), "/outbound_call_records")->denial,
            Denial::kSignatureExpired);
  EXPECT_EQ(access.admit(signed_push(kNow + 301, body), "/outbound_call_records")->denial,
            Denial::kSignatureExpired);
  EXPECT_EQ(access.admit(signed_push(kNow, R"({"records":[1]})"), "/outbound_call_records")->denial,
            Denial::kSignatureInvalid);
  auto unsigned_push = request(verb::post, "/outbound_call_records", "writer-token-0123456789");
  EXPECT_EQ(access.admit(unsigned_push, "/outbound_call_records")->denial,
            Denial::kSignatureMissing);
  // The signature covers only the push route.
  EXPECT_FALSE(access.admit(request(verb::post, "/tasks", "writer-token-0123456789"), "/tasks"));
}

TEST(AccessTest, SignatureMatchesOpenssl) {
  // printf '%s' '1700000000.{}' | openssl dgst -sha256 -hmac secret
  EXPECT_EQ(push_signature_hex("secret", "1700000000", "{}"),
            "b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163");
}

TEST(AccessTest, LoopbackInstead) {
  EXPECT_EQ(loopback_instead("127.0.0.1:8080"), std::nullopt);
  EXPECT_EQ(loopback_instead("localhost:8080"), std::nullopt);
  EXPECT_EQ(loopback_instead("[::1]:8080"), std::nullopt);
  EXPECT_EQ(loopback_instead("0.0.0.0:8080"), "127.0.0.1:8080");
  EXPECT_EQ(loopback_instead("0.0.0.0:0"), "127.0.0.1:0");
  EXPECT_EQ(loopback_instead("[::]:9000"), "127.0.0.1:9000");
  EXPECT_EQ(loopback_instead("192.168.1.10:80"), "127.0.0.1:80");
  EXPECT_EQ(loopback_instead(":8080"), "127.0.0.1:8080");
}

}  // namespace
}  // namespace dialtrack::http
