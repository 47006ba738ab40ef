// Bearer tokens (`auth.tokens`, `auth.token_file`, DIALTRACK_AUTH_TOKENS): each scope allowed
// and refused over real HTTP, a wrong and a missing token, the open pages, /metrics open or
// closed by configuration, and the loopback-only listener when no token is configured.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <fstream>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

constexpr std::string_view kReader = "reader-token-7f3a9c21d4e8";
constexpr std::string_view kWriter = "writer-token-0b5e6d7c8a91";
constexpr std::string_view kAdmin = "admin-token-c4d2e1f0a9b8";

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const auto b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

Headers bearer(std::string_view token) {
  return {{"Authorization", "Bearer " + std::string(token)}};
}

Headers bearer_en(std::string_view token) {
  return {{"Authorization", "Bearer " + std::string(token)}, {"Accept-Language", "en"}};
}

/// The reader and writer tokens in the config file (one as a digest), the admin in a token file.
ServerOptions token_server_options(bool metrics_require_token = false) {
  ServerOptions options;
  options.config_toml = "[auth]\ntoken_file = \"TOKEN_FILE\"\nmetrics_require_token = " +
                        std::string(metrics_require_token ? "true" : "false") +
                        "\n\n[[auth.tokens]]\nname = \"dashboard\"\nscope = \"read\"\ntoken = \"" +
                        std::string(kReader) +
                        "\"\n\n[[auth.tokens]]\nname = \"dialer\"\nscope = \"write\"\nsha256 = \"" +
                        sha256_hex(kWriter) + "\"\n";
  return options;
}

class AuthTest : public ::testing::Test {
 protected:
  void start(bool metrics_require_token = false) {
    auto options = token_server_options(metrics_require_token);
    server_ = std::make_unique<ServerProcess>(options);
    const auto token_file = server_->dir() / "tokens";
    std::ofstream(token_file) << "# name scope sha256\n\nops admin " << sha256_hex(kAdmin)
                              << "  # the operators\n";
    // The config names the token file by a placeholder: the temp dir is known only now.
    std::string config;
    {
      std::ifstream in(server_->dir() / "config.toml");
      config.assign(std::istreambuf_iterator<char>(in), {});
    }
    config.replace(config.find("TOKEN_FILE"), 10, token_file.string());
    std::ofstream(server_->dir() / "config.toml") << config;
    server_->start();
    http_ = std::make_unique<HttpConnection>(server_->port());
  }

  void SetUp() override { start(); }

  /// A task created with the writer token.
  std::int64_t new_task() {
    const auto response =
        http_->post("/tasks", json::object{{"name", "auth"}, {"leads", leads_of(make_phones(1))}},
                    bearer(kWriter));
    EXPECT_EQ(response.status, 201u) << response.describe();
    return int_field(response.data_object(), "task_id");
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpConnection> http_;
};

TEST_F(AuthTest, MissingTokenIs401WithChallenge) {
  const auto response = http_->get("/tasks");
  EXPECT_TRUE(is_error(response, 401));
  EXPECT_TRUE(has_chinese(response.message()));
  EXPECT_EQ(response.header("WWW-Authenticate").value_or(""), R"(Bearer realm="dialtrack")");
  const auto en = http_->get("/tasks", {{"Accept-Language", "en"}});
  EXPECT_TRUE(is_error(en, 401));
  EXPECT_NE(en.message().find("Bearer"), std::string::npos) << en.message();
}

TEST_F(AuthTest, WrongTokenIs401) {
  for (const auto* header : {"Bearer wrong-token-0000000000", "Bearer ",
                             "Basic ZGlhbGVyOnNlY3JldA==", "reader-token-7f3a9c21d4e8",
                             "Bearer reader-token-7f3a9c21d4e"}) {
    const auto response = http_->get("/tasks", {{"Authorization", header}});
    EXPECT_TRUE(is_error(response, 401)) << header;
  }
  const auto response = http_->get("/tasks", bearer("not-a-token-at-all"));
  EXPECT_NE(response.header("WWW-Authenticate").value_or("").find("invalid_token"),
            std::string::npos);
  // A digest is not a token: presenting the configured sha256 itself does not get in.
  EXPECT_TRUE(is_error(http_->get("/tasks", bearer(sha256_hex(kWriter))), 401));
}

TEST_F(AuthTest, ReadScopeReadsButCannotWrite) {
  const auto task_id = new_task();
  const auto id = std::to_string(task_id);
  for (const auto& target :
       std::vector<std::string>{"/tasks", "/tasks/" + id, "/tasks/" + id + "/history",
                                "/task_followup_records/" + id, "/check_task_completion/" + id}) {
    const auto response = http_->get(target, bearer(kReader));
    EXPECT_EQ(response.status, 200u) << target << ": " << response.describe();
  }
  EXPECT_EQ(
      http_->post("/check_task_completion", json::object{{"task_id", task_id}}, bearer(kReader))
          .status,
      200u);
  EXPECT_EQ(http_
                ->post("/check_task_completion/batch",
                       json::object{{"task_ids", json::array{task_id}}}, bearer(kReader))
                .status,
            200u);

  const auto create = http_->post("/tasks", json::object{{"name", "x"}}, bearer_en(kReader));
  EXPECT_TRUE(is_error(create, 403));
  EXPECT_EQ(string_field(create.data_object(), "required_scope"), "write");
  EXPECT_NE(create.message().find("write"), std::string::npos) << create.message();
  EXPECT_TRUE(
      is_error(http_->post("/tasks/" + id + "/start", json::object{}, bearer(kReader)), 403));
  EXPECT_TRUE(is_error(http_->del("/tasks/" + id, bearer(kReader)), 403));
  EXPECT_TRUE(is_error(
      http_->post("/tasks/" + id + "/leads",
                  json::object{{"leads", leads_of(make_phones(1, 13800000000))}}, bearer(kReader)),
      403));
  EXPECT_TRUE(is_error(
      http_->post("/outbound_call_records",
                  json::object{{"records", json::array{call_record("r1", task_id, "13900000000",
                                                                   "Connected")}}},
                  bearer(kReader)),
      403));
  EXPECT_TRUE(is_error(http_->get("/webhooks", bearer(kReader)), 403));
  // Nothing the refused requests asked for happened.
  const auto task = http_->get("/tasks/" + id, bearer(kReader)).data_object();
  EXPECT_EQ(int_field(task, "task_type"), 1);
  EXPECT_EQ(int_field(task, "total_calls"), 1);
  EXPECT_EQ(int_field(http_->get("/tasks", bearer(kReader)).data_object(), "total"), 1);
}

TEST_F(AuthTest, WriteScopeWritesAndReadsButNoWebhooks) {
  const auto task_id = new_task();
  const auto id = std::to_string(task_id);
  EXPECT_EQ(http_->post("/tasks/" + id + "/start", json::object{}, bearer(kWriter)).status, 200u);
  const auto pushed = http_->post(
      "/outbound_call_records",
      json::object{
          {"records", json::array{call_record("w1", task_id, "13900000000", "Connected")}}},
      bearer(kWriter));
  ASSERT_EQ(pushed.status, 200u) << pushed.describe();
  EXPECT_EQ(int_field(http_->get("/tasks/" + id, bearer(kWriter)).data_object(), "task_type"), 3);
  EXPECT_TRUE(is_error(http_->get("/webhooks", bearer(kWriter)), 403));
  EXPECT_TRUE(is_error(
      http_->post("/webhooks", json::object{{"url", "https://example.com/h"}, {"secret", "s"}},
                  bearer(kWriter)),
      403));
  EXPECT_EQ(http_->del("/tasks/" + id, bearer(kWriter)).status, 200u);
}

TEST_F(AuthTest, AdminMayDoEverything) {
  const auto created = http_->post(
      "/webhooks", json::object{{"url", "https://example.com/h"}, {"secret", "s"}}, bearer(kAdmin));
  ASSERT_EQ(created.status, 201u) << created.describe();
  const auto id = std::to_string(int_field(created.data_object(), "webhook_id"));
  EXPECT_EQ(http_->get("/webhooks", bearer(kAdmin)).status, 200u);
  EXPECT_EQ(http_->get("/webhooks/" + id + "/deliveries", bearer(kAdmin)).status, 200u);
  EXPECT_EQ(http_->post("/tasks", json::object{{"name", "by admin"}}, bearer(kAdmin)).status, 201u);
  EXPECT_EQ(http_->get("/tasks", bearer(kAdmin)).status, 200u);
  EXPECT_EQ(http_->del("/webhooks/" + id, bearer(kAdmin)).status, 200u);
}

TEST_F(AuthTest, HealthAndMetricsAreOpenByDefault) {
  EXPECT_EQ(http_->get("/healthz").status, 200u);
  const auto metrics = http_->get("/metrics");
  EXPECT_EQ(metrics.status, 200u);
  // Refused requests are counted like any other.
  http_->get("/tasks");
  EXPECT_NE(http_->get("/metrics").body.find(R"(status="401")"), std::string::npos);
  // An unknown route is a 404 before any token is asked for.
  EXPECT_TRUE(is_error(http_->get("/no/such/route"), 404));
}

TEST_F(AuthTest, MetricsNeedAReadTokenWhenConfigured) {
  start(true);
  EXPECT_TRUE(is_error(http_->get("/metrics"), 401));
  EXPECT_EQ(http_->get("/metrics", bearer(kReader)).status, 200u);
  EXPECT_EQ(http_->get("/healthz").status, 200u);
}

TEST_F(AuthTest, TokensNeverAppearInTheLog) {
  http_->get("/tasks", bearer(kReader));
  http_->get("/tasks", bearer("guessed-token-123456789"));
  const auto log = server_->log();
  EXPECT_NE(log.find("authentication: 3 tokens (1 read, 1 write, 1 admin)"), std::string::npos)
      << log;
  for (const auto token : {kReader, kWriter, kAdmin, std::string_view("guessed-token-123456789")}) {
    EXPECT_EQ(log.find(token), std::string::npos) << token;
  }
}

TEST(AuthEnvTest, TokensFromTheEnvironment) {
  ServerOptions options;
  options.env = {{"DIALTRACK_AUTH_TOKENS",
                  "ci:read:" + std::string(kReader) + ",dialer:write:" + std::string(kWriter)}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  EXPECT_EQ(http.get("/tasks", bearer(kReader)).status, 200u);
  EXPECT_TRUE(is_error(http.post("/tasks", json::object{{"name", "x"}}, bearer(kReader)), 403));
  EXPECT_EQ(http.post("/tasks", json::object{{"name", "x"}}, bearer(kWriter)).status, 201u);
  EXPECT_TRUE(is_error(http.get("/tasks"), 401));
}

TEST(AuthEnvTest, BadTokenSettingsStopTheStart) {
  for (const auto* tokens : {"x:superuser:0123456789abcdef", "x:read:short", "nocolons",
                             "a:read:0123456789abcdef,a:write:fedcba9876543210"}) {
    const auto result = run_dialtrack({"serve", "--listen", "127.0.0.1:0", "--db", ":memory:"},
                                      {{"DIALTRACK_AUTH_TOKENS", tokens}});
    EXPECT_EQ(result.exit_code, 2) << tokens;
    EXPECT_NE(result.err.find("auth"), std::string::npos) << result.err;
  }
}

TEST(AuthEnvTest, BadTokenFileOrTableStopsTheStart) {
  TempDir dir("dialtrack-auth");
  const auto file = dir.path() / "tokens";
  std::ofstream(file) << "ops admin " << sha256_hex(kAdmin) << "\nbroken line\n";
  const auto from_file = run_dialtrack({"serve", "--listen", "127.0.0.1:0", "--db", ":memory:"},
                                       {{"DIALTRACK_AUTH_TOKEN_FILE", file.string()}});
  EXPECT_EQ(from_file.exit_code, 2);
  EXPECT_NE(from_file.err.find("line 2"), std::string::npos) << from_file.err;

  const auto config = dir.path() / "config.toml";
  std::ofstream(config) << "[[auth.tokens]]\nname = \"x\"\nscope = \"read\"\ntoken = \"" << kReader
                        << "\"\npassword = \"y\"\n";
  const auto from_table = run_dialtrack(
      {"serve", "--listen", "127.0.0.1:0", "--db", ":memory:", "--config", config.string()});
  EXPECT_EQ(from_table.exit_code, 2);
  EXPECT_NE(from_table.err.find("auth.tokens[0]"), std::string::npos) << from_table.err;
  // The token is never repeated in an error.
  EXPECT_EQ(from_table.err.find(kReader), std::string::npos) << from_table.err;
}

TEST(LoopbackOnlyTest, WithoutTokensTheServiceListensOnLoopbackOnly) {
  ServerOptions options;
  options.listen_flag = false;
  options.extra_args = {"--listen", "0.0.0.0:0"};
  ServerProcess server(options);
  // start() accepts only the readiness line `listening on 127.0.0.1:PORT`.
  server.start();
  EXPECT_EQ(get_once(server.port(), "/healthz").status, 200u);
  const auto log = server.log();
  EXPECT_NE(log.find("no API tokens are configured"), std::string::npos) << log;
  EXPECT_NE(log.find("instead of 0.0.0.0:0"), std::string::npos) << log;
}

TEST(LoopbackOnlyTest, WithTokensTheGivenAddressIsKept) {
  ServerOptions options;
  options.listen_flag = false;
  options.extra_args = {"--listen", "0.0.0.0:0"};
  options.env = {{"DIALTRACK_AUTH_TOKENS", "ci:read:" + std::string(kReader)}};
  ServerProcess server(options);
  try {
    server.start();
    FAIL() << "the server should have listened on 0.0.0.0";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("listening on 0.0.0.0:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dialtrack::test
