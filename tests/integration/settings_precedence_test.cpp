// Settings come from the config file, then DIALTRACK_* environment variables, then flags;
// the later one wins.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

TEST(SettingsPrecedenceTest, DbFlagWinsOverDbEnvironmentVariable) {
  TempDir dir;
  const TestDatabase env_db(dir.path(), "from-env");
  const TestDatabase flag_db(dir.path(), "from-flag");
  ServerOptions options;
  options.db = flag_db.url();
  options.env = {{"DIALTRACK_DB", env_db.url()}};
  ServerProcess server(options);
  server.start();
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, make_phones(1));
  }
  ASSERT_EQ(server.terminate(), 0);
  if (!on_postgresql()) {
    EXPECT_TRUE(std::filesystem::exists(flag_db.url()));
    EXPECT_FALSE(std::filesystem::exists(env_db.url()));
  }
  const auto in_flag_db = run_dialtrack({"check", std::to_string(task_id), "--db", flag_db.url()});
  EXPECT_EQ(in_flag_db.exit_code, 0) << in_flag_db.out << in_flag_db.err;
  // The task is not in the database the environment named: on PostgreSQL `check` exits 1 (no
  // such task); on SQLite that file was never created, and `check`, which only reads, refuses
  // to create it (exit 2).
  const auto in_env_db = run_dialtrack({"check", std::to_string(task_id), "--db", env_db.url()});
  if (on_postgresql()) {
    EXPECT_EQ(in_env_db.exit_code, 1) << in_env_db.out << in_env_db.err;
  } else {
    EXPECT_EQ(in_env_db.exit_code, 2) << in_env_db.out << in_env_db.err;
    EXPECT_NE(in_env_db.err.find("no database at"), std::string::npos) << in_env_db.err;
    EXPECT_FALSE(std::filesystem::exists(env_db.url()));
  }
}

TEST(SettingsPrecedenceTest, DbEnvironmentVariableIsUsedWithoutAFlag) {
  const TestDatabase env_db;
  ServerOptions options;
  options.db_flag = false;
  options.env = {{"DIALTRACK_DB", env_db.url()}};
  ServerProcess server(options);
  server.start();
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    EXPECT_EQ(string_field(http.get("/healthz").data_object(), "db"), backend_name());
    task_id = create_task(http, make_phones(1));
  }
  ASSERT_EQ(server.terminate(), 0);
  if (!on_postgresql()) {
    EXPECT_TRUE(std::filesystem::exists(env_db.url()));
  }
  const auto result = run_dialtrack({"check", std::to_string(task_id), "--db", env_db.url()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST(SettingsPrecedenceTest, ListenEnvironmentVariableIsUsedWithoutAFlag) {
  ServerOptions options;
  options.listen_flag = false;
  options.env = {{"DIALTRACK_LISTEN", "127.0.0.1:0"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  EXPECT_EQ(http.get("/healthz").status, 200u);
}

TEST(SettingsPrecedenceTest, ListenFlagWinsOverAnUnusableEnvironmentValue) {
  // The environment names an address that cannot be bound; the flag overrides it.
  ServerOptions options;
  options.env = {{"DIALTRACK_LISTEN", "192.0.2.1:1"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  EXPECT_EQ(http.get("/healthz").status, 200u);
}

TEST(SettingsPrecedenceTest, SqliteUrlFormOfTheDbIsAccepted) {
  if (on_postgresql()) {
    GTEST_SKIP() << "about the sqlite:PATH form of --db; the PostgreSQL run names its database "
                    "with a postgresql:// URL in every other test";
  }
  TempDir dir;
  const auto path = dir.path() / "url-form.db";
  ServerOptions options;
  options.db_flag = false;
  options.extra_args = {"--db", "sqlite:" + path.string()};
  ServerProcess server(options);
  server.start();
  {
    HttpConnection http(server.port());
    EXPECT_EQ(string_field(http.get("/healthz").data_object(), "db"), "sqlite");
    create_task(http, make_phones(1));
  }
  ASSERT_EQ(server.terminate(), 0);
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(SettingsPrecedenceTest, EnvironmentWinsOverTheConfigFile) {
  ServerOptions options;
  options.config_toml = "[http]\nbody_limit = 2048\n";
  options.env = {{"DIALTRACK_HTTP_BODY_LIMIT", "8192"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  std::string body = R"({"name":"between the limits"})";
  body.insert(body.size() - 1, 4000, ' ');
  EXPECT_EQ(http.post_text("/tasks", body).status, 201u);
}

TEST(SettingsPrecedenceTest, InvalidConfigFileRefusesToStart) {
  TempDir dir;
  const TestDatabase database(dir.path());
  const auto config = dir.path() / "broken.toml";
  std::ofstream(config) << "[http\nbody_limit = = 3\n";
  const auto result = run_dialtrack(
      {"serve", "--listen", "127.0.0.1:0", "--db", database.url(), "--config", config.string()}, {},
      std::chrono::seconds(20));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.exit_code, -1) << "it should refuse at once, not serve";
  EXPECT_FALSE(result.err.empty()) << "an operator needs to be told why";
}

TEST(SettingsPrecedenceTest, AFileValueOfTheWrongTomlTypeRefusesToStartNamingTheSetting) {
  TempDir dir;
  const TestDatabase database(dir.path());
  const std::string secret = "S3cretNeverShown";
  const std::string account =
      "[dialers.alibaba]\naccess_key_id = \"LTAI5t\"\ninstance_id = \"i\"\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      // Once flattened into "S3cretNeverShown" and used to sign requests.
      {account + "access_key_secret = [\"" + secret + "\"]\n",
       "dialers.alibaba.access_key_secret: must be a string, not an array"},
      {account + "access_key_secret = 12345678901234\n",
       "dialers.alibaba.access_key_secret: must be a string, not an integer"},
      {"listen = [\"127.0.0.1:0\"]\n", "listen: must be a string, not an array"},
      {"[dialers.alibaba]\nendpoint = { url = \"http://x\" }\n",
       "dialers.alibaba.endpoint: must be a string, not a table"},
      {"[http]\nbody_limit = [2048]\n",
       "http.body_limit: must be a string or an integer, not an array"},
      {"[http]\nbody_limit = 2048.5\n",
       "http.body_limit: must be a string or an integer, not a floating-point number"},
      {"[completion]\nconnected_statuses = [\"Connected\", 7]\n",
       "completion.connected_statuses[1]: must be a string, not an integer"},
      {"[completion]\nconnected_prefixes = 7\n",
       "completion.connected_prefixes: must be an array of strings, not an integer"},
      {"[auth]\nmetrics_require_token = [true]\n",
       "auth.metrics_require_token: must be true or false, not an array"},
  };
  for (const auto& [toml, message] : cases) {
    const auto config = dir.path() / "typed.toml";
    std::ofstream(config) << toml;
    const auto result = run_dialtrack(
        {"serve", "--listen", "127.0.0.1:0", "--db", database.url(), "--config", config.string()},
        {}, std::chrono::seconds(20));
    EXPECT_EQ(result.exit_code, 2) << toml << result.err;
    EXPECT_NE(result.err.find(message), std::string::npos) << toml << result.err;
    EXPECT_EQ(result.err.find(secret), std::string::npos) << result.err;
  }
}

TEST(SettingsPrecedenceTest, FileValuesOfEachTomlTypeAreRead) {
  ServerOptions options;
  options.config_toml =
      "[http]\nbody_limit = 4096\nidle_timeout_ms = \"60000\"\n"
      "[completion]\nconnected_prefixes = [\"Succeeded\", \"Answered\"]\n"
      "connected_statuses = \"Connected,Picked\"\n"
      "[auth]\nmetrics_require_token = false\n"
      "[ingest]\nmax_future_skew = 600\n";
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  const auto phones = make_phones(1);
  const auto task_id = create_task(http, phones);
  EXPECT_EQ(push(http, {call_record("typed-1", task_id, phones[0], "Picked")}).completed_tasks,
            (std::vector<std::int64_t>{task_id}));
  std::string body = R"({"name":"over the limit"})";
  body.insert(body.size() - 1, 5000, ' ');
  EXPECT_EQ(http.post_text("/tasks", body).status, 413u);
}

}  // namespace
}  // namespace dialtrack::test
