#include "http/auth.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "app/clock.hpp"
#include "http/api.hpp"
#include "store_api/store.hpp"

namespace dialtrack::http {
namespace {

using beast_http::verb;

/// A database the route table is built over and never reaches: no test here runs a handler
/// that reads or writes.
class NoStore final : public store_api::Store {
 public:
  [[nodiscard]] std::string_view backend() const override { return "none"; }
  int migrate() override { return 0; }
  std::unique_ptr<store_api::Transaction> begin(store_api::TxMode /*mode*/) override {
    throw std::logic_error("the route table test reached the database");
  }
  [[nodiscard]] store_api::PoolUse pool_use() const override { return {}; }
};

/// The API's real route table (http/api.cpp) with the scope of each route, for `access`.
class RouteTable {
 public:
  explicit RouteTable(const Access& access)
      : log_(std::make_shared<spdlog::logger>("auth_test")),
        tasks_(store_, clock_, log_, phones_),
        ingest_(store_, clock_, domain::StatusClassifier{}, phones_, log_),
        completion_(store_, clock_, log_),
        webhooks_(store_, clock_, log_),
        reports_(store_, clock_),
        sync_(store_, clock_, ingest_, nullptr, {}, log_, "auth_test"),
        api_({tasks_, ingest_, completion_, webhooks_, "none", reports_, sync_}, ApiLimits{},
             RequestLimits{}, metrics_, log_, &access) {}

  /// True when the table has the route `method pattern`.
  [[nodiscard]] bool has(verb method, std::string_view pattern) const {
    return entry(method, pattern) != std::nullopt;
  }
  /// The scope the route `method pattern` needs (nothing: public).
  [[nodiscard]] std::optional<Scope> scope(verb method, std::string_view pattern) const {
    const auto found = entry(method, pattern);
    if (!found) {
      ADD_FAILURE() << "no route " << beast_http::to_string(method) << " " << pattern;
      return Scope::kAdmin;
    }
    return found->scope;
  }
  /// Access's answer for `r` on the route `pattern`, with the scope the table gives it.
  [[nodiscard]] std::optional<AccessRefusal> admit(const Access& access, const Request& r,
                                                   std::string_view pattern) const {
    return access.admit(r, pattern, scope(r.method(), pattern));
  }
  [[nodiscard]] Response answer(const Request& r) const { return api_.router().handle(r).response; }
  [[nodiscard]] Screening screen(const RequestHeader& h) const { return api_.router().screen(h); }
  [[nodiscard]] std::optional<Answer> try_inline(const Request& r) const {
    return api_.router().try_inline(r);
  }
  /// The answers to a request that `screen` admitted, given its screening's match.
  [[nodiscard]] Response answer(const Request& r, const RouteMatch& match) const {
    return api_.router().handle(r, match).response;
  }
  [[nodiscard]] std::optional<Answer> try_inline(const Request& r, const RouteMatch& match) const {
    return api_.router().try_inline(r, match);
  }

 private:
  [[nodiscard]] std::optional<RouteEntry> entry(verb method, std::string_view pattern) const {
    for (auto& e : api_.router().entries()) {
      if (e.method == method && e.pattern == pattern) {
        return e;
      }
    }
    return std::nullopt;
  }

  NoStore store_;
  app::SystemClock clock_;
  domain::PhoneKeys phones_;
  metrics::Registry metrics_;
  std::shared_ptr<spdlog::logger> log_;
  app::TaskService tasks_;
  app::IngestService ingest_;
  app::CompletionService completion_;
  app::WebhookService webhooks_;
  app::ReportService reports_;
  app::SyncService sync_;
  Api api_;
};

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
  const RouteTable routes(access);
  EXPECT_EQ(routes.scope(verb::get, "/healthz"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/assets/{file}"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/readyz"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/docs"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/docs/{file}"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/openapi.yaml"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/metrics"), std::nullopt);
  EXPECT_EQ(routes.scope(verb::get, "/tasks"), Scope::kRead);
  EXPECT_EQ(routes.scope(verb::get, "/reports/summary"), Scope::kRead);
  EXPECT_EQ(routes.scope(verb::post, "/check_task_completion"), Scope::kRead);
  EXPECT_EQ(routes.scope(verb::post, "/check_task_completion/batch"), Scope::kRead);
  EXPECT_EQ(routes.scope(verb::post, "/tasks"), Scope::kWrite);
  EXPECT_EQ(routes.scope(verb::delete_, "/tasks/{task_id}"), Scope::kWrite);
  EXPECT_EQ(routes.scope(verb::post, "/tasks/{task_id}/sync"), Scope::kWrite);
  EXPECT_EQ(routes.scope(verb::post, "/outbound_call_records"), Scope::kWrite);
  EXPECT_EQ(routes.scope(verb::get, "/webhooks"), Scope::kAdmin);
  EXPECT_EQ(routes.scope(verb::delete_, "/webhooks/{webhook_id}"), Scope::kAdmin);
  EXPECT_EQ(routes.scope(verb::get, "/webhooks/{webhook_id}/deliveries"), Scope::kAdmin);
  // Only GETs of the public pages are public: another method on them is no route of the
  // table, and the router answers 405 before any handler, whatever the token.
  EXPECT_FALSE(routes.has(verb::post, "/healthz"));
  EXPECT_EQ(routes.answer(request(verb::post, "/healthz")).result(),
            beast_http::status::method_not_allowed);
  const auto metrics_access = make_access(true);
  EXPECT_EQ(RouteTable(metrics_access).scope(verb::get, "/metrics"), Scope::kRead);
}

TEST(AccessTest, TheRouterAsksForTheMatchedRoutesScope) {
  const auto access = make_access();
  const RouteTable routes(access);
  EXPECT_EQ(routes.answer(request(verb::get, "/healthz")).result(), beast_http::status::ok);
  const auto missing = routes.answer(request(verb::get, "/tasks"));
  EXPECT_EQ(missing.result(), beast_http::status::unauthorized);
  EXPECT_EQ(missing[beast_http::field::www_authenticate], R"(Bearer realm="dialtrack")");
  const auto low = routes.answer(request(verb::get, "/webhooks", "writer-token-0123456789"));
  EXPECT_EQ(low.result(), beast_http::status::forbidden);
  EXPECT_NE(low.body().find(R"("required_scope":"admin")"), std::string::npos) << low.body();
  // An unknown route is a 404 before any token is asked for.
  EXPECT_EQ(routes.answer(request(verb::get, "/nowhere")).result(), beast_http::status::not_found);
}

TEST(AccessTest, TokensAreCheckedAgainstTheScope) {
  const auto access = make_access();
  const RouteTable routes(access);
  EXPECT_FALSE(
      routes.admit(access, request(verb::get, "/tasks", "reader-token-0123456789"), "/tasks"));
  EXPECT_FALSE(
      routes.admit(access, request(verb::post, "/tasks", "writer-token-0123456789"), "/tasks"));
  EXPECT_FALSE(
      routes.admit(access, request(verb::get, "/tasks", "writer-token-0123456789"), "/tasks"));
  EXPECT_FALSE(
      routes.admit(access, request(verb::get, "/webhooks", "admin-token-0123456789"), "/webhooks"));
  const auto low =
      routes.admit(access, request(verb::post, "/tasks", "reader-token-0123456789"), "/tasks");
  ASSERT_TRUE(low);
  EXPECT_EQ(low->denial, Denial::kScopeTooLow);
  EXPECT_EQ(low->needed, Scope::kWrite);
  EXPECT_EQ(
      routes.admit(access, request(verb::get, "/webhooks", "writer-token-0123456789"), "/webhooks")
          ->denial,
      Denial::kScopeTooLow);
  EXPECT_EQ(routes.admit(access, request(verb::get, "/tasks"), "/tasks")->denial,
            Denial::kTokenMissing);
  EXPECT_EQ(routes.admit(access, request(verb::get, "/tasks", "reader-token-012345678"), "/tasks")
                ->denial,
            Denial::kTokenInvalid);
  auto basic = request(verb::get, "/tasks");
  basic.set(beast_http::field::authorization, "Basic cmVhZGVyOnJlYWRlcg==");
  EXPECT_EQ(routes.admit(access, basic, "/tasks")->denial, Denial::kTokenInvalid);
  EXPECT_FALSE(routes.admit(access, request(verb::get, "/healthz"), "/healthz"));
}

TEST(AccessTest, NoTokensMeansOpen) {
  const Access open{AccessOptions{}};
  const RouteTable routes(open);
  EXPECT_FALSE(open.tokens_configured());
  EXPECT_FALSE(routes.admit(open, request(verb::delete_, "/webhooks/1"), "/webhooks/{webhook_id}"));
}

TEST(AccessTest, SignedPushes) {
  const auto access = make_access(false, "push-secret");
  const RouteTable routes(access);
  const std::string body = R"({"records":[]})";
  auto signed_push = [&](std::int64_t timestamp, std::string_view signed_body) {
    auto r = request(verb::post, "/outbound_call_records", "writer-token-0123456789");
    r.set("X-Dialtrack-Timestamp", std::to_string(timestamp));
    r.set("X-Dialtrack-Signature",
          "sha256=" + push_signature_hex("push-secret", std::to_string(timestamp), signed_body));
    r.body() = body;
    return r;
  };
  EXPECT_FALSE(routes.admit(access, signed_push(kNow, body), "/outbound_call_records"));
  EXPECT_FALSE(routes.admit(access, signed_push(kNow - 299, body), "/outbound_call_records"));
  EXPECT_EQ(routes.admit(access, signed_push(kNow - 301, body), "/outbound_call_records")->denial,
            Denial::kSignatureExpired);
  EXPECT_EQ(routes.admit(access, signed_push(kNow + 301, body), "/outbound_call_records")->denial,
            Denial::kSignatureExpired);
  EXPECT_EQ(routes.admit(access, signed_push(kNow, R"({"records":[1]})"), "/outbound_call_records")
                ->denial,
            Denial::kSignatureInvalid);
  auto unsigned_push = request(verb::post, "/outbound_call_records", "writer-token-0123456789");
  EXPECT_EQ(routes.admit(access, unsigned_push, "/outbound_call_records")->denial,
            Denial::kSignatureMissing);
  // The signature covers only the push route.
  EXPECT_FALSE(
      routes.admit(access, request(verb::post, "/tasks", "writer-token-0123456789"), "/tasks"));
}

TEST(AccessTest, TheHeadersAloneDecideBeforeTheBodyIsRead) {
  const auto access = make_access(false, "push-secret");
  const RouteTable routes(access);
  // What the server asks right after reading the header: the body is not there yet.
  const RequestHeader no_token{request(verb::post, "/outbound_call_records")};
  EXPECT_EQ(access.admit_header(no_token, "/outbound_call_records", Scope::kWrite)->denial,
            Denial::kTokenMissing);
  const RequestHeader unsigned_push{
      request(verb::post, "/outbound_call_records", "writer-token-0123456789")};
  EXPECT_EQ(access.admit_header(unsigned_push, "/outbound_call_records", Scope::kWrite)->denial,
            Denial::kSignatureMissing);
  auto old_push = request(verb::post, "/outbound_call_records", "writer-token-0123456789");
  old_push.set("X-Dialtrack-Timestamp", std::to_string(kNow - 301));
  old_push.set("X-Dialtrack-Signature", "sha256=" + std::string(64, '0'));
  EXPECT_EQ(access.admit_header(old_push, "/outbound_call_records", Scope::kWrite)->denial,
            Denial::kSignatureExpired);
  // A fresh, well-formed signature passes the header; only the body can tell it is wrong.
  auto fresh = request(verb::post, "/outbound_call_records", "writer-token-0123456789");
  fresh.set("X-Dialtrack-Timestamp", std::to_string(kNow));
  fresh.set("X-Dialtrack-Signature", "sha256=" + std::string(64, '0'));
  EXPECT_FALSE(access.admit_header(fresh, "/outbound_call_records", Scope::kWrite));
  EXPECT_EQ(access.admit_body(fresh, "/outbound_call_records")->denial, Denial::kSignatureInvalid);
  // The router screens with the same rules and names the refusal's status.
  const auto screened = routes.screen(no_token);
  ASSERT_TRUE(screened.refusal);
  EXPECT_EQ(screened.refusal->result(), beast_http::status::unauthorized);
  EXPECT_FALSE(routes.screen(RequestHeader{request(verb::get, "/healthz")}).refusal);
  EXPECT_TRUE(routes.screen(RequestHeader{request(verb::get, "/healthz")}).answers_inline);
  EXPECT_FALSE(routes.screen(RequestHeader{request(verb::get, "/tasks", "reader-token-0123456789")})
                   .answers_inline);
}

TEST(AccessTest, WhatNeedsNothingThatBlocksIsAnsweredOnTheIoThread) {
  const auto access = make_access();
  const RouteTable routes(access);
  // From memory: always on the I/O thread, through the same screening as every route.
  const auto metrics = request(verb::get, "/metrics");
  EXPECT_TRUE(routes.screen(RequestHeader{metrics}).answers_inline);
  const auto answered = routes.try_inline(metrics);
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->response.result(), beast_http::status::ok);
  EXPECT_TRUE(routes.screen(RequestHeader{request(verb::get, "/")}).answers_inline);
  // A check is tried there, and given to a worker when the store has no reads that never block
  // (this one has none; the worker's read would reach it).
  const auto check = request(verb::get, "/check_task_completion/7", "reader-token-0123456789");
  const auto screened = routes.screen(RequestHeader{check});
  EXPECT_TRUE(screened.tries_inline);
  EXPECT_FALSE(screened.answers_inline);
  EXPECT_FALSE(routes.try_inline(check));
  // A bad id needs no read: answered there.
  const auto bad =
      routes.try_inline(request(verb::get, "/check_task_completion/x", "reader-token-0123456789"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->response.result(), beast_http::status::bad_request);
  EXPECT_FALSE(routes
                   .screen(RequestHeader{request(verb::post, "/check_task_completion/batch",
                                                 "reader-token-0123456789")})
                   .tries_inline);
}

TEST(AccessTest, AScreenedRequestIsAnsweredOnTheRouteItsScreeningMatched) {
  const auto access = make_access();
  const RouteTable routes(access);
  // Both path parameters come from the screening's places in the target, the query after them.
  for (const auto* target : {"/tasks/x/leads/13800000000?page=2", "/tasks/7/leads/not-a-phone",
                             "/tasks/7/leads/%31?x=%2F"}) {
    SCOPED_TRACE(target);
    const auto r = request(verb::get, target, "reader-token-0123456789");
    const auto screened = routes.screen(RequestHeader{r});
    ASSERT_FALSE(screened.refusal);
    EXPECT_EQ(screened.match.params.size(), 2U);
    const auto matched = routes.answer(r, screened.match);
    const auto resolved = routes.answer(r);
    EXPECT_EQ(matched.result(), beast_http::status::bad_request);
    EXPECT_EQ(matched.body(), resolved.body());
  }
  const auto bad_task =
      routes.answer(request(verb::get, "/tasks/x/leads/13800000000", "reader-token-0123456789"));
  EXPECT_NE(bad_task.body().find(R"("field":"task_id")"), std::string::npos);
  const auto bad_phone =
      routes.answer(request(verb::get, "/tasks/7/leads/not-a-phone", "reader-token-0123456789"));
  EXPECT_NE(bad_phone.body().find(R"("field":"phone")"), std::string::npos);
  // A check's id, tried on the I/O thread with the match.
  const auto check =
      request(verb::get, "/check_task_completion/x?lang=en", "reader-token-0123456789");
  const auto screened = routes.screen(RequestHeader{check});
  const auto tried = routes.try_inline(check, screened.match);
  ASSERT_TRUE(tried);
  EXPECT_EQ(tried->response.result(), beast_http::status::bad_request);
  EXPECT_EQ(tried->response.body(), routes.try_inline(check)->response.body());
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
